import type { Gate } from "../beside";
import type { Online, RunContext } from "../context";
import type { Docker } from "../docker";
import { pushRefs } from "../docker";
import { DeployError, PullCheckError, errorMessage } from "../errors";
import { imageRef } from "../image";
import type { EnginePush } from "../ports";
import type { BuildCheck } from "./build";

/** How each reference is pushed: the engine's own push, or docker push. */
export function pusher(
  ctx: RunContext,
  enginePush: EnginePush | undefined,
  docker: Docker,
  signal: AbortSignal,
): (ref: string) => Promise<string | undefined> {
  return enginePush ? (ref) => pushThroughEngine(ctx, enginePush, ref, signal) : (ref) => docker.push(ref, signal);
}

/**
 * With the engine's push, no docker login checks the credentials: the registry is asked
 * whether it takes them once the HTTP client is there (the Dokploy check passed), beside the
 * build. A refusal stops the build; `failed` is told.
 */
export function lazyCheck(ctx: RunContext, gate: Gate<BuildCheck>, failed: () => void): () => Promise<void> {
  let started: Promise<void> | undefined;
  return () => {
    if (!started) {
      started = gate.passed().then(
        ({ online }) => checkCredentials(online),
        // The check's failure is the one the run reports.
        () => undefined,
      );
      started.catch(failed);
    }
    return started;
  };
}

async function checkCredentials(online: Online): Promise<void> {
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

/** Pushes one reference with the engine's own push; the digest the registry gave. */
async function pushThroughEngine(
  ctx: RunContext,
  push: EnginePush,
  ref: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const { config, logger } = ctx;
  const credentials = config.push;
  if (!credentials) throw new Error("the engine's push needs registry credentials");
  const colon = ref.lastIndexOf(":");
  const [repository, tag] = [ref.slice(0, colon), ref.slice(colon + 1)];
  logger.info(`Pushing ${ref} (the engine's push)`);
  const auth = { username: credentials.username, password: credentials.password, serveraddress: config.registry };
  try {
    const digest = await push(repository, tag, auth, signal, (line) => {
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
export async function pushTags(
  ctx: RunContext,
  push: (ref: string) => Promise<string | undefined>,
  online: Online,
): Promise<void> {
  const [first, ...rest] = pushRefs(ctx.config);
  if (!first) return;
  const digest = await push(first);
  ctx.ledger.record({ kind: "pushed", ref: first, digest });
  ctx.result.digest = digest;
  if (rest.length === 0 || (await tagThroughApi(ctx, online, digest))) return;
  for (const ref of rest) {
    ctx.ledger.record({ kind: "pushed", ref, digest: await push(ref) });
  }
}

/** The extra tags put on the pushed manifest over the registry's API; false when not done. */
async function tagThroughApi(ctx: RunContext, online: Online, digest: string | undefined): Promise<boolean> {
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
    ctx.result.servedToPush = tagged.served;
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
