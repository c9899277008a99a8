import type { PreviewProcedures, TemplateApplication } from "../dokploy/preview-procedures";
import type { PreviewContext, PreviewKey } from "./context";
import { changedVariables, copiedSettings, previewAppName, previewVolumeName, withOverrides } from "./copy";
import { rewriteForCopies } from "./database-copy";
import { NO_DATABASES, type PreviewDatabases, databasesFor, deployDatabases } from "./databases";
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

/** The copy of the template in the preview's environment: found by its marker, else made with its mounts. */
async function applicationFor(
  ctx: PreviewContext,
  api: Api,
  key: PreviewKey,
  template: TemplateApplication,
  environment: { environmentId: string; created: string },
): Promise<{ applicationId: string; appName: string }> {
  const listed = await api.environments(template.environment.projectId);
  const rows = listed.find((e) => e.environmentId === environment.environmentId)?.applications ?? [];
  const found = rows.find((row) => isMarkedService(row.description, key));
  if (found?.appName) return { applicationId: found.applicationId, appName: found.appName };
  const made = await api.createApplication({
    name: template.name,
    appName: previewAppName(template.appName, key.options.name),
    description: previewMarker(key, environment),
    environmentId: environment.environmentId,
    serverId: template.serverId,
  });
  ctx.ledger.record({ kind: "preview-service", id: made.applicationId, appName: made.appName, name: made.name });
  ctx.logger.info(`Application "${made.name}" created in the preview (${made.appName}).`);
  for (const mount of template.mounts ?? []) {
    if (mount.type === "volume" && mount.volumeName) {
      const volumeName = previewVolumeName(mount.volumeName, key.options.name);
      await api.createMount(made.applicationId, { type: "volume", mountPath: mount.mountPath, volumeName });
    } else if (mount.type === "file") {
      await api.createMount(made.applicationId, {
        type: "file",
        mountPath: mount.mountPath,
        content: mount.content ?? "",
        ...(mount.filePath ? { filePath: mount.filePath } : {}),
      });
    } else {
      ctx.logger.warn(
        `The template's bind mount ${mount.hostPath ?? ""} -> ${mount.mountPath} is not copied: a host path would be shared with the template.`,
      );
    }
  }
  return made;
}

/**
 * The template's settings and variables, those naming a template database rewritten to its
 * copy, preview-env over them: every push re-syncs the copy.
 */
async function syncSettings(
  ctx: PreviewContext,
  api: Api,
  template: TemplateApplication,
  applicationId: string,
  overrides: readonly string[],
  databases: PreviewDatabases,
): Promise<void> {
  const env = withOverrides(rewriteForCopies(template.env ?? "", databases.copies), overrides);
  const changed = changedVariables(template.env ?? "", env);
  if (changed.length > 0) ctx.logger.info(`Preview variables that differ from the template's: ${changed.join(", ")}.`);
  await api.updateApplication(applicationId, { ...copiedSettings(template), env });
}

/** The preview's domain: the preview host (or one Dokploy makes), with the template's first domain's port and path. */
async function domainFor(
  ctx: PreviewContext,
  api: Api,
  template: TemplateApplication,
  app: { applicationId: string; appName: string },
  host: string | undefined,
): Promise<string> {
  const domains = await api.domains(app.applicationId);
  const own = ownDomain(domains, template, host);
  if (own) return urlOf(own.host, own.https ?? false, own.path);
  const [model] = template.domains ?? [];
  if (!model)
    ctx.logger.warn(`The template has no domain to take a port from: the preview's domain routes to port 80.`);
  const fields = domainFields(host ?? (await api.generateDomain(app.appName, template.serverId)), model);
  const made = await api.createDomain(app.applicationId, fields);
  ctx.ledger.record({ kind: "preview-domain", host: made.host, appName: app.appName });
  return urlOf(made.host, fields.https, fields.path);
}

/**
 * Makes or updates this pull request's preview of the template application: its environment,
 * with preview-template: environment the copies of its databases (deployed first), the copy
 * with the template's settings, its domain; marks the environment as deployed now.
 */
export async function openPreview(
  ctx: PreviewContext,
  api: Api,
  key: PreviewKey,
  template: TemplateApplication,
): Promise<OpenedPreview> {
  const { host, env } = key.options;
  refuseTemplateHost(template, "application", host);
  const environment = await environmentFor(ctx, api, key, template);
  const databases =
    key.options.template === "environment" ? await databasesFor(ctx, api, key, template, environment) : NO_DATABASES;
  await shareVariables(api, template, environment, (shared) => rewriteForCopies(shared, databases.copies));
  await deployDatabases(ctx, api.databases, databases.deploy);
  const app = await applicationFor(ctx, api, key, template, environment);
  await syncSettings(ctx, api, template, app.applicationId, env, databases);
  const url = await domainFor(ctx, api, template, app, host);
  return markDeployed(ctx, api, key, environment, { ref: { kind: "application", id: app.applicationId }, url });
}
