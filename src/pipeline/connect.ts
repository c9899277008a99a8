import type { Connected, Online, RunContext } from "./context";

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
  return { ...ctx, remote, dispatcher, dokploy: new remote.Dokploy(client) };
}

/** Loads the HTTP client and its connection pool (while docker works: not before the build starts). */
export async function goOnline(ctx: RunContext): Promise<Online> {
  const { ports } = ctx;
  // With a build, the build stage says when docker is at work (buildx only starts after this check).
  if (!ctx.config.build) ports.whileDockerWorks?.();
  const remote = await import("./remote");
  const dispatcher = (await ports.loadDispatcher?.()) ?? ports.dispatcher;
  return { ...ctx, remote, dispatcher };
}
