import type { Gate } from "../shared/beside";
import { writeBuildSecrets } from "./build-secrets";
import { type CacheFlags, CacheImportWatch, NO_CACHE, autoCacheWanted } from "./cache";
import type { BuildCheck, BuildContext, EnginePush } from "./context";
import {
  type Docker,
  buildArgv,
  classicLabels,
  dockerfileWithLabels,
  pullsFrom,
  pushRefs,
  readBuildOutputs,
} from "./docker";
import type { TempDockerConfig } from "./docker-config";
import { buildsIntoEngine, enginePushFor } from "./builder";
import { CommandError } from "../shared/errors";
import { chooseCache, reportUnreadable } from "./cache-choice";
import { checkCredentialsOnceOnline, pushTags, pusher, startOnce } from "./push";

export const LABELLED_DOCKERFILE = "Dockerfile.labelled";

/** The user's Dockerfile, when it can be read (not from a URL or stdin). */
export async function readDockerfile(ctx: BuildContext): Promise<string | undefined> {
  const { config, ports } = ctx;
  if (!ports.readText || /^[a-z]+:\/\//i.test(config.context) || config.file === "-") return undefined;
  return ports.readText(config.file ?? `${config.context.replace(/\/+$/, "")}/Dockerfile`);
}

/** How this build runs, decided before the docker command is put together. */
interface BuildPlan {
  readonly buildx: boolean;
  /**
   * buildx with the docker driver: it builds into the engine, beside the Dokploy check, and
   * docker push pushes the image once Dokploy answered, as with the classic builder. Other
   * builders push as they build, so they wait for the check.
   */
  readonly intoEngine: boolean;
  readonly dockerfile: string | undefined;
  /** The registry login must be done before the build (it pulls from there, or buildx pushes). */
  readonly loginFirst: boolean;
  /** Whether the engine holds images of the repository, when asked without the docker CLI. */
  readonly engineHolds?: Promise<boolean | undefined>;
  /**
   * The engine pushes over its API with the credentials in the request: no docker login for
   * the push (only for what the build pulls from the registry) and no login written.
   */
  readonly enginePush?: EnginePush;
}

/**
 * Builds the image and pushes every tag, in a temporary docker config that holds the registry
 * login and is removed when done. Nothing is pushed before the gate says Dokploy answered.
 */
export async function buildAndPush(
  ctx: BuildContext,
  gate: Gate<BuildCheck>,
  hasBuildx: Promise<boolean>,
): Promise<void> {
  const { config, ports, ledger } = ctx;
  const intoEngine = hasBuildx.then((buildx) => buildsIntoEngine(config, ports, buildx));
  // For the cache of the engine's builders: asked now, answered while the docker config is made.
  const engineHolds = Promise.all([hasBuildx, intoEngine]).then(([buildx, engine]) =>
    (buildx && !engine) || !autoCacheWanted(config) ? undefined : ports.engineHoldsImagesOf?.(config.image.name),
  );
  const temp = await ports.createDockerConfig(config.registry, { keepLogin: !config.push });
  const remove = ledger.temporary(temp.dir, "temporary docker config (registry login)", () => temp.remove());
  try {
    const [buildx, engine, dockerfile, enginePush] = await Promise.all([
      hasBuildx,
      intoEngine,
      readDockerfile(ctx),
      Promise.all([hasBuildx, intoEngine]).then(([buildx, engine]) => enginePushFor(config, ports, buildx, engine)),
    ]);
    const plan: BuildPlan = {
      buildx,
      intoEngine: engine,
      enginePush,
      dockerfile,
      loginFirst:
        (buildx && !engine) ||
        dockerfile === undefined ||
        pullsFrom(dockerfile, config.registry) ||
        config.cacheFrom.length > 0,
    };
    await buildThenPush(ctx, gate, { ...plan, engineHolds }, temp);
  } finally {
    await remove().catch((error: unknown) => {
      ctx.logger.warn(`Could not remove the temporary docker config ${temp.dir}: ${String(error)}`);
    });
  }
}

/**
 * The login and the credentials check, each started once when first asked for; either failing
 * stops the build (as the preflight failing does): that failure is the one to report.
 */
function startLogins(ctx: BuildContext, gate: Gate<BuildCheck>, plan: BuildPlan, docker: Docker) {
  const stopBuild = new AbortController();
  gate.signal.addEventListener("abort", () => {
    stopBuild.abort();
  });
  const stop = () => {
    stopBuild.abort();
  };
  const login = startOnce(() => logIn(ctx, docker, gate.signal), stop);
  // What the push needs before it may start: the login, or with the engine's push, the
  // registry's word that it takes the credentials (asked beside the build).
  const credentials = plan.enginePush ? startOnce(() => checkCredentialsOnceOnline(gate), stop) : login;
  return { stopBuild, login, credentials };
}

async function buildThenPush(
  ctx: BuildContext,
  gate: Gate<BuildCheck>,
  plan: BuildPlan,
  temp: TempDockerConfig,
): Promise<void> {
  const { config } = ctx;
  const docker = ctx.docker.withConfigDir(temp.dir);
  const { stopBuild, login, credentials } = startLogins(ctx, gate, plan, docker);
  if (plan.loginFirst) login();
  // A builder that pushes as it builds waits for the check: the check runs beside the login instead.
  const pushesAsItBuilds = plan.buildx && !plan.intoEngine;
  if (pushesAsItBuilds) gate.underWay();
  const cache = chooseCache(ctx, docker, plan.buildx, {
    underWay: () => {
      gate.underWay();
    },
    running: () => gate.passed().then(({ running }) => running),
    engineHolds: plan.engineHolds,
    intoEngine: plan.intoEngine,
    login,
    signal: stopBuild.signal,
  });
  cache.catch(() => undefined);
  // A login the build did not need is not started to find out which one failed.
  const asked = plan.enginePush && !plan.loginFirst ? [credentials] : [login, credentials];
  const loginFailed = (error: unknown): Promise<never> =>
    stopBuild.signal.aborted && !gate.signal.aborted
      ? Promise.all(asked.map((ask) => ask())).then(() => Promise.reject(error))
      : Promise.reject(error);
  if (plan.loginFirst) await login();
  const flags = await cache.catch(loginFailed);
  // buildx pushing as it builds waits for the preflight; a build into the engine overlaps it.
  if (pushesAsItBuilds) {
    gate.underWay();
    await gate.passed();
  }
  // The build's process starts first; then the rest gets under way beside it.
  const argv = await buildCommand(ctx, plan, temp, flags).catch(loginFailed);
  const building = buildWithCache(ctx, docker, { ...plan, temp, argv }, flags, stopBuild.signal);
  // The classic build needs the login only to push: it starts once the build has. (Without a
  // push, the login is for what the build pulls from the registry alone.)
  if (config.pushImage) credentials();
  gate.underWay();
  ctx.ports.whileDockerWorks?.();
  await building.catch(loginFailed);
  const built = await readBuildOutputs(temp);
  ctx.ledger.record({ kind: "built", imageId: built.imageId, metadata: built.metadata });
  await pushBuilt(ctx, pushesAsItBuilds, built.digest, () =>
    gate.passed().then(async ({ online }) => {
      await credentials();
      await pushTags(ctx, pusher(ctx, plan.enginePush, docker, gate.signal), online);
    }),
  );
}

/** After the build: what buildx pushed as it built is recorded; else `push` pushes (once Dokploy answered). */
async function pushBuilt(
  ctx: BuildContext,
  pushedAsBuilt: boolean,
  builtDigest: string | undefined,
  push: () => Promise<void>,
): Promise<void> {
  const { config, logger, image } = ctx;
  if (!config.pushImage) {
    logger.info(`Built ${image}; nothing pushed (push: false)`);
    return;
  }
  // buildx reports a digest without a push too (of a build into the engine, its config digest);
  // the digest output is the registry's: buildx's only when buildx pushed.
  if (pushedAsBuilt) {
    for (const ref of pushRefs(config)) ctx.ledger.record({ kind: "pushed", ref, digest: builtDigest });
  } else await push();
  const digest = ctx.ledger.digest(image);
  if (digest) logger.info(`Pushed ${image} (${digest})`);
  else logger.warn(`Pushed ${image}, but docker did not report its digest`);
}

/**
 * buildx stopped because it could not set up a cache backend (a token it cannot read, say):
 * nothing was built yet. (A source it cannot read is a step's `#N ERROR`, and the build goes on.)
 */
const CACHE_SETUP_FAILED = /^ERROR: .*failed to configure \S+ cache (importer|exporter)/;

/**
 * Runs the build, saying once which cache sources could not be read. Should buildx refuse to
 * even set up the cache chosen by cache: auto, the build runs again without it: a cache never
 * fails the build.
 */
async function buildWithCache(
  ctx: BuildContext,
  docker: Docker,
  build: BuildPlan & { readonly temp: TempDockerConfig; readonly argv: readonly string[] },
  cache: CacheFlags,
  signal: AbortSignal,
): Promise<void> {
  const { temp, argv, ...plan } = build;
  const imports = new CacheImportWatch();
  try {
    await docker.build(argv, signal, (line) => {
      imports.line(line);
    });
  } catch (error) {
    const reason = error instanceof CommandError ? cacheSetupFailure(error.output) : undefined;
    if (reason === undefined || (cache.from.length === 0 && cache.to.length === 0) || signal.aborted) throw error;
    ctx.logger.warn(`Build cache: buildx could not use the cache it was given (${reason}); building without it.`);
    await docker.build(await buildCommand(ctx, plan, temp, NO_CACHE), signal);
  } finally {
    reportUnreadable(ctx.logger, imports.failed);
  }
}

/** The line where buildx says it could not set up a cache backend; undefined when it did not. */
function cacheSetupFailure(output: string): string | undefined {
  return output
    .split("\n")
    .findLast((line) => CACHE_SETUP_FAILED.test(line))
    ?.replace(/^ERROR: /, "")
    .trim();
}

function logIn(ctx: BuildContext, docker: Docker, signal: AbortSignal): Promise<void> {
  const { config, logger } = ctx;
  if (!config.push) {
    logger.info(`No registry-username: pushing with the credentials docker already has for ${config.registry}`);
    return Promise.resolve();
  }
  return docker.login(config.registry, config.push, signal);
}

/** The build's argv; for the classic builder, with the labels in LABEL lines of a Dockerfile copy. */
async function buildCommand(
  ctx: BuildContext,
  plan: BuildPlan,
  temp: TempDockerConfig,
  cache: CacheFlags,
): Promise<string[]> {
  const { config, ports } = ctx;
  await writeBuildSecrets(config.buildSecrets, temp);
  const created = ports.now();
  const labelled =
    plan.buildx || plan.dockerfile === undefined
      ? undefined
      : dockerfileWithLabels(plan.dockerfile, classicLabels(config), config.target);
  return buildArgv(config, {
    buildx: plan.buildx,
    intoEngine: plan.intoEngine,
    outDir: temp.dir,
    created,
    labelledDockerfile: labelled === undefined ? undefined : await temp.writeFile(LABELLED_DOCKERFILE, labelled),
    cache,
  });
}
