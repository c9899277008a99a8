import { adviceFor } from "../advice";
import type { RunContext } from "../context";
import { buildxOnlyInputs } from "../docker";
import { ConfigError } from "../errors";

function isLoopback(url: URL): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname);
}

/**
 * Finds out whether the build runs with buildx, and checks the inputs against it and each
 * other before anything is sent. The answer is a promise: The buildx probe is a local question: answered first when it
 * can still reject the inputs or is needed for the plan, else it runs beside what follows.
 */
export async function checkInputs(ctx: RunContext): Promise<{ readonly buildx: Promise<boolean> }> {
  const { config, ports, logger } = ctx;
  const needBuildx = buildxOnlyInputs(config);
  const [firstBuildxInput] = needBuildx;
  const probe = !config.build
    ? Promise.resolve(false)
    : config.builder === "auto"
      ? (ports.hasBuildx?.() ?? ctx.docker.hasBuildx())
      : Promise.resolve(config.builder === "buildx");
  if ((firstBuildxInput !== undefined || config.dryRun) && !(await probe) && firstBuildxInput && config.build) {
    throw new ConfigError(
      firstBuildxInput,
      config.builder === "classic"
        ? `needs buildx, but builder is classic (${needBuildx.join(", ")} given). Set builder to auto or buildx, or remove ${needBuildx.join(", ")}`
        : `needs docker buildx, which is not installed here (${needBuildx.join(", ")} given). Add docker/setup-buildx-action before this step, or remove ${needBuildx.join(", ")}`,
    );
  }
  for (const warning of adviceFor(config)) logger.warn(warning);
  const url = new URL(config.dokployUrl);
  if (url.protocol === "http:" && !isLoopback(url)) {
    logger.warn(`dokploy-url uses http://: the API key travels in clear text to ${url.host}. Use https://.`);
  }
  return { buildx: probe };
}
