import {
  type PreviewProcedures,
  type TemplateApplication,
  databasesOf,
  otherServices,
} from "../dokploy/preview-procedures";
import { DeployError, errorMessage } from "../shared/errors";
import type { PreviewContext, PreviewKey } from "./context";
import { isMarkedService, previewsFor, previewsOf } from "./find";
import type { ProjectEnvironment } from "../dokploy/preview-procedures";

type Api = PreviewProcedures;

/** How long swarm may hold a deleted service's volume before it can be removed. */
const VOLUME_WAIT_MS = 30_000;
const VOLUME_POLL_MS = 2_000;

/** Removes a volume, retried while swarm's tasks of the deleted service still hold it. */
async function removeVolume(ctx: PreviewContext, api: Api, name: string, serverId?: string | null): Promise<void> {
  const start = ctx.ports.clock();
  for (;;) {
    try {
      await api.removeVolume(name, serverId);
      ctx.ledger.record({ kind: "preview-removed", what: `volume ${name}` });
      return;
    } catch (error) {
      // A service never deployed never made its volume: nothing to remove, nothing to wait for.
      if (/no such volume/i.test(errorMessage(error))) {
        ctx.logger.info(`Volume ${name} does not exist (its service never ran).`);
        return;
      }
      if (ctx.ports.clock() - start > VOLUME_WAIT_MS) {
        ctx.logger.warn(
          `Volume ${name} could not be removed (${errorMessage(error)}); remove it on the server (Dokploy before v0.30.0 has no volume API).`,
        );
        return;
      }
      await ctx.ports.sleep(VOLUME_POLL_MS);
    }
  }
}

/**
 * Removes this pull request's preview of the template: each application and database that
 * carries the marker, their named volumes of the preview, then the environment. A service
 * without the marker is left alone and named; Dokploy then keeps the environment too.
 */
export async function closePreview(
  ctx: PreviewContext,
  api: Api,
  key: PreviewKey,
  template: TemplateApplication,
): Promise<void> {
  const listed = await api.environments(template.environment.projectId);
  const [found, ...younger] = previewsFor(listed, key);
  if (!found) {
    ctx.logger.info(`No preview of pull request ${key.options.number ?? ""} to remove.`);
    return;
  }
  for (const extra of younger) {
    ctx.logger.warn(`Another preview environment of this pull request: ${extra.environment.name}.`);
  }
  await removeMarked(ctx, api, key, template, found.environment);
}

/**
 * Removes the template's previews whose last deploy (else their making) is older than
 * preview-ttl, each as preview: close would; one that cannot be removed does not stop the others.
 */
export async function prunePreviews(
  ctx: PreviewContext,
  api: Api,
  key: PreviewKey,
  template: TemplateApplication,
): Promise<void> {
  const now = ctx.ports.now().getTime();
  const listed = await api.environments(template.environment.projectId);
  const old = previewsOf(listed, key).filter(
    (p) => now - Date.parse(p.marker.deployed ?? p.marker.created) > key.options.ttlSeconds * 1000,
  );
  if (old.length === 0) {
    ctx.logger.info(`No preview of application "${template.name}" is older than preview-ttl.`);
    return;
  }
  const failed: string[] = [];
  for (const { environment, marker } of old) {
    const its = { ...key, options: { ...key.options, number: marker.pr, name: environment.name } };
    try {
      await removeMarked(ctx, api, its, template, environment);
    } catch (error) {
      ctx.logger.warn(errorMessage(error));
      failed.push(environment.name);
    }
  }
  if (failed.length > 0) throw new DeployError(`Previews not removed: ${failed.join(", ")} (see the warnings above).`);
}

/**
 * Removes the environment's databases that carry the marker, noting the volumes Dokploy made
 * for them (<appName>-data, which its remove keeps) and the databases without the marker.
 */
async function removeDatabases(
  ctx: PreviewContext,
  api: Api,
  key: PreviewKey,
  environment: ProjectEnvironment,
  found: { unmarked: string[]; volumes: string[] },
): Promise<void> {
  for (const row of databasesOf(environment)) {
    if (!isMarkedService(row.description, key)) {
      found.unmarked.push(`${row.kind} "${row.name}"`);
      continue;
    }
    const database = await api.databases.database(row.kind, row.id);
    for (const mount of database.mounts ?? []) {
      const volume = mount.volumeName;
      const own = volume?.startsWith(`${database.appName}-`) || volume?.endsWith(`-${key.options.name}`);
      if (mount.type === "volume" && volume && own) found.volumes.push(volume);
    }
    await api.databases.removeDatabase(row.kind, row.id);
    ctx.ledger.record({ kind: "preview-removed", what: `${row.kind} "${row.name}" (${row.appName ?? row.id})` });
    ctx.logger.info(`Database ${row.kind} "${row.name}" removed from the preview.`);
  }
}

/** Removes one preview environment: its marked applications and databases, their preview volumes, then the environment. */
async function removeMarked(
  ctx: PreviewContext,
  api: Api,
  key: PreviewKey,
  template: TemplateApplication,
  environment: ProjectEnvironment,
): Promise<void> {
  const { number, name } = key.options;
  if (environment.environmentId === template.environment.environmentId || environment.isDefault === true) {
    throw new DeployError(
      `Environment "${environment.name}" is the template's or the project's default: it is never removed as a preview.`,
    );
  }
  const unmarked: string[] = [];
  const volumes: string[] = [];
  for (const row of environment.applications ?? []) {
    if (!isMarkedService(row.description, key)) {
      unmarked.push(`application "${row.name}"`);
      continue;
    }
    const app = await api.templateApplication(row.applicationId);
    for (const mount of app.mounts ?? []) {
      if (mount.type === "volume" && mount.volumeName?.endsWith(`-${name}`)) volumes.push(mount.volumeName);
    }
    await api.deleteApplication(row.applicationId);
    ctx.ledger.record({
      kind: "preview-removed",
      what: `application "${row.name}" (${row.appName ?? row.applicationId})`,
    });
    ctx.logger.info(`Application "${row.name}" removed from the preview.`);
  }
  await removeDatabases(ctx, api, key, environment, { unmarked, volumes });
  for (const other of otherServices(environment)) {
    unmarked.push(`${other.kind} "${other.name}"`);
  }
  for (const volume of volumes) await removeVolume(ctx, api, volume, template.serverId);
  if (unmarked.length > 0) {
    throw new DeployError(
      `The preview environment "${environment.name}" holds ${unmarked.join(", ")} without this pull request's marker: ${unmarked.length === 1 ? "it was" : "they were"} left alone, and so was the environment. Remove ${unmarked.length === 1 ? "it" : "them"} in Dokploy, then close the preview again.`,
    );
  }
  await api.removeEnvironment(environment.environmentId);
  ctx.ledger.record({
    kind: "preview-removed",
    what: `preview environment "${environment.name}"`,
    preview: environment.name,
  });
  ctx.logger.info(`Preview "${environment.name}" of pull request ${number ?? ""} removed.`);
}
