import {
  type PreviewProcedures,
  type ProjectEnvironment,
  type PreviewTemplate,
  composesOf,
  databasesOf,
  otherServices,
} from "../dokploy/preview-procedures";
import { DeployError, errorMessage } from "../shared/errors";
import type { PreviewContext, PreviewKey } from "./context";
import { isMarkedService, previewsFor, previewsOf } from "./find";

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
      ctx.logger.info(`Volume ${name} removed.`);
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
  template: PreviewTemplate,
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
  template: PreviewTemplate,
): Promise<void> {
  const now = ctx.ports.now().getTime();
  const listed = await api.environments(template.environment.projectId);
  const old = previewsOf(listed, key).filter(
    (p) => now - Date.parse(p.marker.deployed ?? p.marker.created) > key.options.ttlSeconds * 1000,
  );
  if (old.length === 0) {
    ctx.logger.info(`No preview of ${key.template.kind} "${template.name}" is older than preview-ttl.`);
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
 * A service of a preview environment as the removal sees it: its row, and how it is read and
 * deleted; only those differ between applications, compose services and databases.
 */
interface RemovableService {
  readonly id: string;
  /** How messages name it: application "web", compose "shop", postgres "db". */
  readonly label: string;
  readonly appName?: string | null;
  readonly description?: string | null;
  /** Reads the service: the preview's volumes it leaves behind once deleted. */
  readonly volumes: () => Promise<string[]>;
  readonly remove: () => Promise<void>;
}

/** The services of the environment, in the order they are removed: applications, compose services, databases. */
function removableServices(
  api: Api,
  key: PreviewKey,
  environment: ProjectEnvironment,
  serverId?: string | null,
): RemovableService[] {
  const { name } = key.options;
  const applications = (environment.applications ?? []).map((row) => ({
    ...row,
    id: row.applicationId,
    label: `application "${row.name}"`,
    volumes: async () =>
      ((await api.templateApplication(row.applicationId)).mounts ?? []).flatMap((m) =>
        m.type === "volume" && m.volumeName?.endsWith(`-${name}`) ? [m.volumeName] : [],
      ),
    remove: () => api.deleteApplication(row.applicationId),
  }));
  const composes = composesOf(environment).map((row) => ({
    ...row,
    id: row.composeId,
    label: `compose "${row.name}"`,
    // compose.delete takes a docker-compose project's volumes (down --volumes); docker stack rm
    // leaves a stack's, named <appName>_<volume>: the appName's random suffix makes them its own.
    volumes: async () => {
      const read = await api.composes.templateCompose(row.composeId);
      if (read.composeType !== "stack") return [];
      return (await api.composes.volumeNames(serverId)).filter((v) => v.startsWith(`${read.appName}_`));
    },
    remove: () => api.composes.deleteCompose(row.composeId),
  }));
  const databases = databasesOf(environment).map((row) => ({
    ...row,
    label: `${row.kind} "${row.name}"`,
    // Dokploy makes <appName>-data for a database, which its remove keeps.
    volumes: async () => {
      const database = await api.databases.database(row.kind, row.id);
      return (database.mounts ?? []).flatMap((m) => {
        const volume = m.volumeName;
        const own = volume?.startsWith(`${database.appName}-`) || volume?.endsWith(`-${name}`);
        return m.type === "volume" && volume && own ? [volume] : [];
      });
    },
    remove: () => api.databases.removeDatabase(row.kind, row.id),
  }));
  return [...applications, ...composes, ...databases];
}

/**
 * Removes a service of the preview that carries the marker, noting the preview volumes it
 * leaves; one without the marker is left alone and noted.
 */
async function removeMarkedService(
  ctx: PreviewContext,
  key: PreviewKey,
  service: RemovableService,
  found: { unmarked: string[]; volumes: string[] },
): Promise<void> {
  if (!isMarkedService(service.description, key)) {
    found.unmarked.push(service.label);
    return;
  }
  found.volumes.push(...(await service.volumes()));
  await service.remove();
  ctx.ledger.record({ kind: "preview-removed", what: `${service.label} (${service.appName ?? service.id})` });
  ctx.logger.info(`${service.label.charAt(0).toUpperCase()}${service.label.slice(1)} removed from the preview.`);
}

/** Removes one preview environment: its marked services, their preview volumes, then the environment. */
async function removeMarked(
  ctx: PreviewContext,
  api: Api,
  key: PreviewKey,
  template: PreviewTemplate,
  environment: ProjectEnvironment,
): Promise<void> {
  const { number } = key.options;
  if (environment.environmentId === template.environment.environmentId || environment.isDefault === true) {
    throw new DeployError(
      `Environment "${environment.name}" is the template's or the project's default: it is never removed as a preview.`,
    );
  }
  const found = { unmarked: [] as string[], volumes: [] as string[] };
  for (const service of removableServices(api, key, environment, template.serverId)) {
    await removeMarkedService(ctx, key, service, found);
  }
  const { unmarked, volumes } = found;
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
