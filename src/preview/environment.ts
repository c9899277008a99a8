import type { Domain, DomainFields, PreviewProcedures, PreviewTemplate } from "../dokploy/preview-procedures";
import type { ServiceRef } from "../dokploy/types";
import { DeployError } from "../shared/errors";
import type { PreviewContext, PreviewKey } from "./context";
import { previewsFor, previewsOf } from "./find";
import { formatMarker } from "./marker";

/*
 * The part of opening a preview that every template shares: its host checked against the
 * template's, and the pull request's environment, found by its marker or made.
 */

type Api = PreviewProcedures;

/** The preview a run deploys to: its copy of the template, environment and address. */
export interface OpenedPreview {
  readonly ref: ServiceRef;
  readonly environmentId: string;
  readonly url: string;
}

/**
 * The marker of the preview's environment and of each service it makes there: this pull
 * request's, dated when the environment was made.
 */
export function previewMarker(
  key: PreviewKey,
  environment: { readonly created: string },
  stamp: { readonly deployed?: string; readonly sha?: string } = {},
): string {
  return formatMarker({
    pr: key.options.number ?? "",
    repo: key.repo,
    template: key.template,
    created: environment.created,
    ...stamp,
  });
}

/** A new environment gets the template environment's variables, `rewrite` applied (its services' copies). */
export async function shareVariables(
  api: Api,
  template: PreviewTemplate,
  environment: { readonly environmentId: string; readonly made: boolean },
  rewrite: (env: string) => string = (env) => env,
): Promise<void> {
  const shared = template.environment.env ?? "";
  if (environment.made && shared.trim() !== "") {
    await api.updateEnvironment(environment.environmentId, { env: rewrite(shared) });
  }
}

/** A preview's new domain: `host`, with the path, port and HTTPS settings of the template's domain `model`. */
export function domainFields(host: string, model: Domain | undefined): DomainFields {
  return {
    host,
    path: model?.path ?? "/",
    port: model?.port ?? 80,
    https: model?.https ?? false,
    certificateType: model?.certificateType ?? "none",
    customCertResolver: model?.customCertResolver ?? "",
    internalPath: model?.internalPath,
    stripPath: model?.stripPath,
  };
}

/** The copy's domain an earlier run gave it: the preview host, or without one, a host that is not the template's. */
export function ownDomain<D extends { readonly host: string }>(
  domains: readonly D[],
  template: { readonly domains?: readonly { readonly host: string }[] | null },
  host: string | undefined,
): D | undefined {
  const templateHosts = new Set((template.domains ?? []).map((d) => d.host.toLowerCase()));
  return domains.find((d) => (host === undefined ? !templateHosts.has(d.host) : d.host === host));
}

/** Refuses a preview host that is one of the template's: the preview would take production's traffic. */
export function refuseTemplateHost(
  template: PreviewTemplate & { readonly domains?: readonly { readonly host: string }[] | null },
  kind: string,
  host: string | undefined,
): void {
  if (host === undefined) return;
  if ((template.domains ?? []).some((d) => d.host.toLowerCase() === host)) {
    throw new DeployError(
      `Input "preview-host": ${host} is a domain of the template ${kind} "${template.name}"; a preview needs a host of its own, e.g. pr-{number}.preview.example.com. Nothing was created.`,
    );
  }
}

/** This pull request's environment: found by its marker, else made (within preview-limit). */
export async function environmentFor(
  ctx: PreviewContext,
  api: Api,
  key: PreviewKey,
  template: PreviewTemplate,
): Promise<{ environmentId: string; created: string; made: boolean }> {
  const { projectId } = template.environment;
  const listed = await api.environments(projectId);
  const [found] = previewsFor(listed, key);
  if (found) {
    ctx.logger.info(`Preview "${found.environment.name}" exists (${found.environment.environmentId}): updating it.`);
    return { environmentId: found.environment.environmentId, created: found.marker.created, made: false };
  }
  const { limit, name } = key.options;
  const open = previewsOf(listed, key);
  if (limit > 0 && open.length >= limit) {
    throw new DeployError(
      `Input "preview-limit": ${String(open.length)} previews of ${key.template.kind} "${template.name}" are open (${open.map((p) => p.environment.name).join(", ")}), the limit is ${String(limit)}: no preview was made for pull request ${key.options.number ?? ""}. Close one, or raise preview-limit.`,
    );
  }
  const created = ctx.ports.now().toISOString();
  const marker = previewMarker(key, { created });
  const environmentId = await api.createEnvironment(projectId, name, marker);
  ctx.ledger.record({ kind: "preview-created", environmentId, name });
  ctx.logger.info(`Preview environment "${name}" created (${environmentId}).`);
  await settleRace(ctx, api, key, template, environmentId);
  return { environmentId, created, made: true };
}

/**
 * Another run may have made one at the same moment: the older environment wins, and past the
 * limit the newest give way. The loser removes its own (still empty) environment and stops.
 */
async function settleRace(
  ctx: PreviewContext,
  api: Api,
  key: PreviewKey,
  template: PreviewTemplate,
  environmentId: string,
): Promise<void> {
  const listed = await api.environments(template.environment.projectId);
  const mine = previewsFor(listed, key);
  const open = previewsOf(listed, key);
  const { limit } = key.options;
  const older = mine[0]?.environment.environmentId !== environmentId;
  const beyond = limit > 0 && open.findIndex((p) => p.environment.environmentId === environmentId) >= limit;
  if (!older && !beyond) return;
  await api.removeEnvironment(environmentId);
  ctx.ledger.record({ kind: "preview-removed", what: `preview environment ${environmentId}` });
  throw new DeployError(
    older
      ? `Another run made the preview of pull request ${key.options.number ?? ""} at the same time; this run removed its own copy. Re-run to deploy to that preview.`
      : `Input "preview-limit": another preview was made at the same time and the limit (${String(limit)}) is reached; this run removed its own. Close a preview, or raise preview-limit.`,
  );
}

/** The address of a domain, as a preview's output gives it. */
export function urlOf(host: string, https: boolean, path: string | null | undefined): string {
  const tail = path && path !== "/" ? path : "";
  return `${https ? "https" : "http"}://${host}${tail}`;
}

/** Marks the preview's environment as deployed now with this commit, and records the preview the run deploys to. */
export async function markDeployed(
  ctx: PreviewContext,
  api: Api,
  key: PreviewKey,
  environment: { readonly environmentId: string; readonly created: string },
  opened: { readonly ref: ServiceRef; readonly url: string },
): Promise<OpenedPreview> {
  const { number, name } = key.options;
  const deployed = previewMarker(key, environment, { deployed: ctx.ports.now().toISOString(), sha: ctx.config.ci.sha });
  const { environmentId } = environment;
  await api.updateEnvironment(environmentId, { description: deployed });
  ctx.ledger.record({ kind: "preview", environmentId, name, url: opened.url, templateId: key.template.id });
  ctx.logger.info(`Preview of pull request ${number ?? ""}: ${opened.url}`);
  return { ...opened, environmentId };
}
