import { type Connected, type Online, type RunContext, timed } from "../context";
import { Dokploy, applicationUrl } from "../dokploy/procedures";
import { DeployError, errorMessage } from "../errors";
import { type DockerProvider, previousProvider } from "./provider";

/**
 * Loads the HTTP client (while docker works: not before the build starts) and makes the
 * Dokploy client for the rest of the run.
 */
export async function connectToDokploy(ctx: RunContext): Promise<Connected> {
  const { config, logger, redactor } = ctx;
  const { remote, dispatcher } = await goOnline(ctx);
  const client = new remote.DokployClient({
    baseUrl: config.dokployUrl,
    apiKey: config.apiKey,
    transport: config.transport,
    logger,
    redactor,
    dispatcher,
    timeoutMs: config.requestTimeoutSeconds * 1000,
    retry: ctx.policy,
    retryPorts: ctx.retryPorts,
    signal: ctx.signal,
  });
  return { ...ctx, remote, dispatcher, dokploy: new Dokploy(client) };
}

/** Loads the HTTP client and its connection pool (while docker works: not before the build starts). */
export async function goOnline(ctx: RunContext): Promise<Online> {
  const { ports } = ctx;
  ports.whileDockerWorks?.();
  const remote = await import("../remote");
  const dispatcher = (await ports.loadDispatcher?.()) ?? ports.dispatcher;
  return { ...ctx, remote, dispatcher };
}

/** Dokploy keeps deployment titles and descriptions, by which a run finds its own, since v0.25.0. */
const OLDEST_FOLLOWED = [0, 25, 0] as const;

/** The server's version; undefined when it does not say (older servers, or a key that may not ask). */
async function readVersion(ctx: Connected): Promise<string | undefined> {
  try {
    const version = await ctx.dokploy.version();
    ctx.logger.info(`Dokploy ${version}`);
    return version;
  } catch (error) {
    ctx.logger.debug(`Dokploy did not say its version: ${errorMessage(error)}`);
    return undefined;
  }
}

/** Refuses a server too old to tell our deployment from others, before anything is pushed. */
function refuseOldVersion(version: string | undefined): void {
  const parts = /^v?(\d+)\.(\d+)\.(\d+)/
    .exec(version ?? "")
    ?.slice(1)
    .map(Number);
  if (!parts) return;
  for (const [i, part] of parts.entries()) {
    const oldest = OLDEST_FOLLOWED[i] ?? 0;
    if (part > oldest) return;
    if (part < oldest) {
      throw new DeployError(
        `Dokploy ${version ?? ""} does not keep deployment titles (v${OLDEST_FOLLOWED.join(".")} added them), so this step cannot tell its deployment from others. Upgrade Dokploy, or set wait to false to deploy without following.`,
      );
    }
  }
}

/** What the application ran before this run changed it. */
export interface Before {
  /** Its Docker provider, for a rollback; undefined if it did not run a Docker image. */
  readonly provider?: DockerProvider;
  /** In words, for the ledger: the image, or the kind of source. */
  readonly was?: string;
}

/** The key is accepted and the application exists. Returns what the application ran before. */
export function checkDokploy(ctx: Connected): Promise<Before> {
  const { config, logger, result, redactor } = ctx;
  return timed(
    ctx,
    "Check Dokploy and the application",
    async () => {
      // The version matters for following the deployment; without waiting it is not read.
      const [app, version] = await Promise.all([
        ctx.dokploy.applicationOne(config.applicationId),
        config.wait ? readVersion(ctx) : undefined,
      ]);
      refuseOldVersion(version);
      // application.one answers with the pull password in plain text: mask it like ours.
      redactor.add(app.password);
      result.applicationName = app.name;
      result.applicationUrl = applicationUrl(config.dokployUrl, app);
      logger.info(
        `Application "${app.name}" (${config.applicationId}), source ${app.sourceType ?? "unknown"}: ${result.applicationUrl}`,
      );
      if (app.sourceType && app.sourceType !== "docker") {
        logger.warn(
          `The application's source is "${app.sourceType}"; it will be switched to the Docker image ${result.image}.`,
        );
      }
      const provider = previousProvider(app);
      return { provider, was: provider?.dockerImage ?? (app.sourceType ? `its ${app.sourceType} source` : undefined) };
    },
    false,
  );
}
