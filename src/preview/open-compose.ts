import type {
  ComposeDomain,
  ComposeDomainFields,
  ComposePreviewProcedures,
  TemplateCompose,
} from "../dokploy/compose-preview-procedures";
import type { PreviewProcedures } from "../dokploy/preview-procedures";
import { DeployError } from "../shared/errors";
import { domainModel, namedContainers, previewComposeEnv, publishingServices } from "./compose-copy";
import type { PreviewContext, PreviewKey } from "./context";
import { changedVariables, previewAppName } from "./copy";
import {
  type OpenedPreview,
  domainFields,
  environmentFor,
  markDeployed,
  ownDomain,
  refuseTemplateHost,
  previewMarker,
  shareVariables,
  urlOf,
} from "./environment";
import { isMarkedService } from "./find";

type Api = PreviewProcedures;

/**
 * What a compose template must be for a preview, checked before anything is made: its file in
 * Dokploy (raw source), no published ports, a domain naming the service that takes the host.
 */
function refuseUncopiable(template: TemplateCompose): ComposeDomain {
  const what = `Compose "${template.name}" (${template.composeId})`;
  if (template.sourceType !== "raw" || (template.composeFile ?? "").trim() === "") {
    throw new DeployError(
      `${what} takes its file from ${template.sourceType ?? "an unknown source"}: a preview copies a compose file that Dokploy holds (source Raw). Nothing was created.`,
    );
  }
  const publishing = publishingServices(template.composeFile ?? "");
  if (publishing.length > 0) {
    throw new DeployError(
      `${what}: its file publishes ports (ports: of ${publishing.join(", ")}), which a preview would take on the host beside production's. Reach the services through a domain (Dokploy routes it with Traefik) and remove ports: from the file, or use expose:. Nothing was created.`,
    );
  }
  const named = template.composeType === "docker-compose" ? namedContainers(template.composeFile ?? "") : [];
  if (named.length > 0) {
    throw new DeployError(
      `${what}: its file names the containers of ${named.join(", ")} (container_name:), and a preview's would take the same names as production's. Remove container_name: from the file (Dokploy names each container after the compose's appName). Nothing was created.`,
    );
  }
  const model = domainModel(template.domains);
  if (!model) {
    throw new DeployError(
      `${what} has no domain with a service: a preview's host goes to the service and port of the template's first domain. Add a domain to the compose in Dokploy. Nothing was created.`,
    );
  }
  return model;
}

/** The copy of the template compose in the preview's environment: found by its marker, else made. */
async function composeFor(
  ctx: PreviewContext,
  api: Api,
  key: PreviewKey,
  template: TemplateCompose,
  environment: { environmentId: string; created: string },
): Promise<{ composeId: string; appName: string; env?: string }> {
  const listed = await api.environments(template.environment.projectId);
  const rows = listed.find((e) => e.environmentId === environment.environmentId)?.compose ?? [];
  const found = rows.find((row) => isMarkedService(row.description, key));
  if (found) {
    const copy = await api.composes.templateCompose(found.composeId);
    return { composeId: copy.composeId, appName: copy.appName, env: copy.env ?? "" };
  }
  const made = await api.composes.createCompose({
    name: template.name,
    appName: previewAppName(template.appName, key.options.name),
    description: previewMarker(key, environment),
    environmentId: environment.environmentId,
    composeType: template.composeType,
    composeFile: template.composeFile ?? "",
    serverId: template.serverId,
  });
  ctx.ledger.record({
    kind: "preview-service",
    service: "compose",
    id: made.composeId,
    appName: made.appName,
    name: made.name,
  });
  ctx.logger.info(`Compose "${made.name}" (${template.composeType}) created in the preview (${made.appName}).`);
  if (template.command) {
    ctx.logger.warn(
      `The template's custom command is not copied (it may name the template's ${template.appName}): the preview deploys with Dokploy's default.`,
    );
  }
  return made;
}

/** The preview's domain: the preview host (or one Dokploy makes) to the template's first domain's service and port. */
async function domainFor(
  ctx: PreviewContext,
  composes: ComposePreviewProcedures,
  api: Api,
  template: TemplateCompose,
  copy: { composeId: string; appName: string },
  where: { host: string | undefined; model: ComposeDomain },
): Promise<string> {
  const { host, model } = where;
  const domains = await composes.domains(copy.composeId);
  const own = ownDomain(domains, template, host);
  if (own) return urlOf(own.host, own.https ?? false, own.path);
  const fields: ComposeDomainFields = {
    ...domainFields(host ?? (await api.generateDomain(copy.appName, template.serverId)), model),
    serviceName: model.serviceName ?? "",
  };
  const made = await composes.createDomain(copy.composeId, fields);
  ctx.ledger.record({ kind: "preview-domain", host: made.host, appName: copy.appName });
  ctx.logger.info(
    `The preview's host ${made.host} goes to service ${fields.serviceName}, port ${String(fields.port)}.`,
  );
  return urlOf(made.host, fields.https, fields.path);
}

/**
 * Makes or updates this pull request's preview of the template compose service: its
 * environment, the copy (same type and server) with the template's file and variables,
 * preview-env over them, and its domain; marks the environment as deployed now. The deploy
 * stage then sets the image in the copy's variables, as for any compose target.
 */
export async function openComposePreview(
  ctx: PreviewContext,
  api: Api,
  key: PreviewKey,
  template: TemplateCompose,
): Promise<OpenedPreview> {
  const { host, env } = key.options;
  refuseTemplateHost(template, "compose", host);
  const model = refuseUncopiable(template);
  const environment = await environmentFor(ctx, api, key, template);
  await shareVariables(api, template, environment);
  const copy = await composeFor(ctx, api, key, template, environment);
  const { imageVariable, tagVariable } = ctx.config;
  const copyEnv = previewComposeEnv(template.env ?? "", env, copy.env, [imageVariable, tagVariable]);
  const changed = changedVariables(template.env ?? "", copyEnv);
  if (changed.length > 0) ctx.logger.info(`Preview variables that differ from the template's: ${changed.join(", ")}.`);
  await api.composes.updateCompose(copy.composeId, { composeFile: template.composeFile ?? "", env: copyEnv });
  const url = await domainFor(ctx, api.composes, api, template, copy, { host, model });
  return markDeployed(ctx, api, key, environment, { ref: { kind: "compose", id: copy.composeId }, url });
}
