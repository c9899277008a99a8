import type { Gate } from "../shared/beside";
import type { BuildCheck, BuildContext, BuildOnline, EnginePush } from "./context";
import type { Docker } from "./docker";
import { DeployError, PullCheckError, errorMessage } from "../shared/errors";
import { imageRef } from "../shared/image";

/** Pushes one tag of the image; the digest the registry gave. */
export type Pusher = (tag: string) => Promise<string | undefined>;

/** How each tag is pushed: the engine's own push, or docker push. */
export function pusher(
  ctx: BuildContext,
  enginePush: EnginePush | undefined,
  docker: Docker,
  signal: AbortSignal,
): Pusher {
  return enginePush
    ? (tag) => pushThroughEngine(ctx, enginePush, tag, signal)
    : (tag) => docker.push(imageRef(ctx.config.image, tag), signal);
}

/** `start`, run the first time it is asked for and shared after; `failed` is told when it fails. */
export function startOnce(start: () => Promise<void>, failed: () => void): () => Promise<void> {
  let started: Promise<void> | undefined;
  return () => {
    if (!started) {
      started = start();
      started.catch(failed);
    }
    return started;
  };
}

/**
 * With the engine's push, no docker login checks the credentials: the registry is asked
 * whether it takes them once the HTTP client is there (the Dokploy check passed).
 */
export function checkCredentialsOnceOnline(gate: Gate<BuildCheck>): Promise<void> {
  return gate.passed().then(
    ({ online }) => checkCredentials(online),
    // The check's failure is the one the run reports.
    () => undefined,
  );
}

async function checkCredentials(online: BuildOnline): Promise<void> {
  const { config, logger } = online;
  if (!config.push) return;
  const { username } = config.push;
  try {
    await online.remote.checkPushLogin(config.image, config.push, {
      dispatcher: online.dispatcher,
      timeoutMs: config.requestTimeoutSeconds * 1000,
    });
  } catch (error) {
    if (!(error instanceof PullCheckError)) throw error;
    throw new DeployError(
      `registry login to ${config.registry} as ${username} (check registry-username and registry-password) failed: ${error.message}`,
    );
  }
  logger.info(
    `Pushing to ${config.registry} as ${username}: the engine gets the password in its request, no login is written`,
  );
}

/** Pushes one tag with the engine's own push; the digest the registry gave. */
async function pushThroughEngine(
  ctx: BuildContext,
  push: EnginePush,
  tag: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const { config, logger } = ctx;
  const credentials = config.push;
  if (!credentials) throw new Error("the engine's push needs registry credentials");
  const ref = imageRef(config.image, tag);
  logger.info(`Pushing ${ref} (the engine's push)`);
  const auth = { username: credentials.username, password: credentials.password, serveraddress: config.registry };
  try {
    const digest = await push(config.image.name, tag, auth, signal, (line) => {
      logger.info(line);
    });
    // The engine said the digest in its own words ("<tag>: digest: sha256:… size: …").
    return digest;
  } catch (error) {
    if (signal.aborted) throw error;
    throw new DeployError(`push of ${ref} failed: ${errorMessage(error)}`);
  }
}

/**
 * Pushes the deploy tag (it uploads the layers; its digest is the one that counts), then gives
 * the same manifest the extra tags: over the registry's API when the run has the push
 * credentials, else (or when that fails) with docker push, one tag after another (pushes of
 * the same layers at once can make a registry answer 500).
 */
export async function pushTags(ctx: BuildContext, push: Pusher, online: BuildOnline): Promise<void> {
  const { config, ledger } = ctx;
  const digest = await push(config.tag);
  ledger.record({ kind: "pushed", ref: imageRef(config.image, config.tag), digest });
  if (config.extraTags.length === 0 || (await tagThroughApi(ctx, online, digest))) return;
  for (const tag of config.extraTags) {
    ledger.record({ kind: "pushed", ref: imageRef(config.image, tag), digest: await push(tag) });
  }
}

/** The extra tags put on the pushed manifest over the registry's API; false when not done. */
async function tagThroughApi(ctx: BuildContext, online: BuildOnline, digest: string | undefined): Promise<boolean> {
  const { config, logger } = ctx;
  if (!config.push || !digest) return false;
  try {
    const tagged = await online.remote.tagManifest(config.image, config.tag, config.extraTags, config.push, {
      dispatcher: online.dispatcher,
      timeoutMs: config.requestTimeoutSeconds * 1000,
      expected: digest,
    });
    for (const [tag, said] of tagged.digests) {
      if (said !== undefined && said !== digest) throw new Error(`the registry gave ${tag} the digest ${said}`);
    }
    ctx.ledger.record({ kind: "served", to: "push", ...tagged.served });
    for (const tag of config.extraTags) {
      const ref = imageRef(config.image, tag);
      ctx.ledger.record({ kind: "pushed", ref, digest });
      logger.info(`Tagged ${ref} (${digest}) through the registry's API`);
    }
    return true;
  } catch (error) {
    logger.debug(`Tagging through the registry's API did not work (${errorMessage(error)}); pushing with docker`);
    return false;
  }
}
