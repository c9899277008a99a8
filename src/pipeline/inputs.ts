import { adviceFor } from "../config/advice";
import { chooseBuilder } from "../build/builder";
import type { RunContext } from "./context";

function isLoopback(url: URL): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname);
}

/**
 * Finds out whether the build runs with buildx, and checks the inputs against it (and its
 * builder) and each other before anything is sent. The answer is a promise: the buildx probe
 * is a local question, answered first when it can still reject the inputs or is needed for the
 * plan, else it runs beside what follows.
 */
export async function checkInputs(ctx: RunContext): Promise<{ readonly buildx: Promise<boolean> }> {
  const { config, ports, logger } = ctx;
  const { probe } = await chooseBuilder(config, ports, ctx.docker);
  for (const warning of adviceFor(config)) logger.warn(warning);
  const url = config.deploy ? new URL(config.dokployUrl) : undefined;
  if (url?.protocol === "http:" && !isLoopback(url)) {
    logger.warn(`dokploy-url uses http://: the API key travels in clear text to ${url.host}. Use https://.`);
  }
  return { buildx: probe };
}
