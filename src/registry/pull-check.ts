import type { Credentials } from "../config/config";
import { timed } from "../record/context";
import type { RegistryOnline } from "./context";
import { DeployError, PullCheckError } from "../shared/errors";

function samePair(a: Credentials | undefined, b: Credentials | undefined): boolean {
  return a !== undefined && b !== undefined && a.username === b.username && a.password === b.password;
}

/**
 * The registry serves the tag to the pull credentials, as the digest just pushed: what Dokploy
 * will pull. Without the check, pin-digest needs the digest docker reported. It runs once every
 * tag is written, not beside: Distribution answers a manifest read with HTTP 500 while another
 * tag of the repository is being written.
 */
export async function checkPull(ctx: RegistryOnline): Promise<void> {
  const { config, image, ledger, logger } = ctx;
  const pushed = ledger.digest(image);
  if (!config.verifyPull) {
    if (config.pinDigest && !pushed) {
      throw new DeployError(
        "pin-digest: docker did not report the pushed digest; turn verify-pull on to read it from the registry",
      );
    }
    return;
  }
  await timed(ctx, "Check that Dokploy can pull the image", async () => {
    // Read with these very credentials when the extra tags were put: no need to ask again.
    const asked = samePair(config.pull, config.push) ? ledger.served("push") : undefined;
    const served =
      asked ??
      (await ctx.remote.resolveImage(config.image, config.tag, config.pull, {
        dispatcher: ctx.dispatcher,
        timeoutMs: config.requestTimeoutSeconds * 1000,
      }));
    if (pushed && served.digest !== pushed) {
      throw new PullCheckError(
        "digest",
        `${image}: the registry serves ${served.digest}, not ${pushed} that was just pushed; someone pushed over the tag. Not deploying.`,
      );
    }
    ledger.record({ kind: "served", to: "pull", digest: served.digest, mediaType: served.mediaType });
    logger.info(
      `${image} is served as ${served.digest}${served.mediaType ? ` (${served.mediaType})` : ""} to ${config.pull ? config.pull.username : "anonymous pulls"}`,
    );
  });
}
