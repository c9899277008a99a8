import { type Connected, timed } from "../context";
import { DeployError, PullCheckError } from "../errors";
import type { ResolvedImage } from "../registry-check";

/**
 * The registry's answer for the deploy tag, asked as soon as that tag is pushed: the classic
 * builder pushes the extra tags one after another, and the question needs only the first.
 */
export class PushedTagLookup {
  private answer: Promise<ResolvedImage> | undefined;

  /** Asks now (with verify-pull on); the answer waits for checkPull. */
  start(ctx: Connected): void {
    if (!ctx.config.verifyPull || this.answer) return;
    this.answer = ask(ctx);
    // Read by checkPull; a run that ends before that must not see it as unhandled.
    this.answer.catch(() => undefined);
  }

  get(ctx: Connected): Promise<ResolvedImage> {
    return (this.answer ??= ask(ctx));
  }
}

function ask(ctx: Connected): Promise<ResolvedImage> {
  const { config } = ctx;
  return ctx.remote.resolveImage(config.image, config.tag, config.pull, {
    dispatcher: ctx.dispatcher,
    timeoutMs: config.requestTimeoutSeconds * 1000,
  });
}

/**
 * The registry serves the tag to the pull credentials, as the digest just pushed: what Dokploy
 * will pull. Without the check, pin-digest needs the digest docker reported.
 */
export async function checkPull(ctx: Connected, lookup = new PushedTagLookup()): Promise<void> {
  const { config, result, logger } = ctx;
  if (!config.verifyPull) {
    if (config.pinDigest && !result.digest) {
      throw new DeployError(
        "pin-digest: docker did not report the pushed digest; turn verify-pull on to read it from the registry",
      );
    }
    return;
  }
  await timed(ctx, "Check that Dokploy can pull the image", async () => {
    const served = await lookup.get(ctx);
    if (result.digest && served.digest !== result.digest) {
      throw new PullCheckError(
        "digest",
        `${result.image}: the registry serves ${served.digest}, not ${result.digest} that was just pushed; someone pushed over the tag. Not deploying.`,
      );
    }
    result.digest ??= served.digest;
    logger.info(
      `${result.image} is served as ${served.digest}${served.mediaType ? ` (${served.mediaType})` : ""} to ${config.pull ? config.pull.username : "anonymous pulls"}`,
    );
  });
}
