import { exportsCache, parseBuilderInfo } from "./builder";
import {
  type CacheFlags,
  NO_CACHE,
  autoCacheWanted,
  buildxCacheFlags,
  cacheImages,
  takesIgnoreError,
  unreadableSources,
} from "./cache";
import type { BuildContext } from "./context";
import type { Docker } from "./docker";
import type { Logger } from "../shared/log";

/** What the cache choice waits on: the image the application runs (known once Dokploy answered), the login. */
export interface CacheInputs {
  /** Says the build is under way, so that the Dokploy check starts. */
  readonly underWay: () => void;
  /** The images the targets run now. */
  readonly running: () => Promise<readonly string[]>;
  /** Whether the engine holds images of the repository, when already asked without the docker CLI. */
  readonly engineHolds?: Promise<boolean | undefined>;
  /** buildx builds into the engine (the docker driver): the engine's own cache is its cache. */
  readonly intoEngine?: boolean;
  /** The registry login (started when first asked for). */
  readonly login: () => Promise<void>;
  readonly signal: AbortSignal;
}

/**
 * The cache sources and destinations the build gets from `cache: auto`; none with cache: off or
 * when cache-from or cache-to is given (the user's choice is left as it is).
 */
export function chooseCache(
  ctx: BuildContext,
  docker: Docker,
  buildx: boolean,
  inputs: CacheInputs,
): Promise<CacheFlags> {
  if (!autoCacheWanted(ctx.config)) return Promise.resolve(NO_CACHE);
  return buildx ? buildxCache(ctx, docker, inputs) : classicCache(ctx, docker, inputs);
}

/** Whether a pull failed only because the image is not there (a first run): not worth a warning. */
function notThere(reason: string): boolean {
  return /not found|manifest unknown|does not exist/i.test(reason);
}

/**
 * Says once which cache sources could not be read, and why: a warning, unless each was only
 * not there yet (a first run).
 */
export function reportUnreadable(logger: Logger, failed: ReadonlyMap<string, string>): void {
  const unreadable = unreadableSources(failed);
  if (!unreadable) return;
  if ([...failed.values()].every(notThere)) logger.info(unreadable);
  else logger.warn(unreadable);
}

/**
 * The classic builder reads only images in the engine, and given --cache-from it uses nothing
 * else: an engine that holds images of the repository builds from its own layers; an empty
 * one (a hosted runner) pulls the previous images first.
 */
async function classicCache(ctx: BuildContext, docker: Docker, inputs: CacheInputs): Promise<CacheFlags> {
  const { config, logger } = ctx;
  const asked = await (inputs.engineHolds ?? ctx.ports.engineHoldsImagesOf?.(config.image.name));
  if (asked ?? (await docker.holdsImagesOf(config.image.name, inputs.signal))) {
    logger.info(
      `Build cache: the engine holds images of ${config.image.name}; the classic builder uses its own layers`,
    );
    return NO_CACHE;
  }
  inputs.underWay();
  const images = cacheImages(config, await inputs.running());
  if (images.length === 0) {
    logger.info(`Build cache: no earlier image of ${config.image.name} to build from`);
    return NO_CACHE;
  }
  await inputs.login();
  const reasons = await Promise.all(images.map((image) => docker.pullQuietly(image, inputs.signal)));
  const failed = new Map<string, string>();
  images.forEach((image, i) => {
    const reason = reasons[i];
    if (reason !== undefined) failed.set(image, reason);
  });
  reportUnreadable(logger, failed);
  const pulled = images.filter((image) => !failed.has(image));
  if (pulled.length > 0) logger.info(`Build cache: pulled ${pulled.join(", ")} to build from`);
  return { from: pulled, to: [] };
}

/** What kind of builder buildx uses: its default (the docker driver) is known without asking it. */
async function buildxBuilder(ctx: BuildContext, docker: Docker) {
  if (await ctx.ports.buildxUsesDefaultBuilder?.()) return { kind: "docker" as const, gha: false, ignoreError: false };
  const text = await docker.inspectBuilder();
  const info = text === undefined ? undefined : parseBuilderInfo(text);
  if (!info) {
    ctx.logger.info("Build cache: buildx did not describe its builder; using the cache any builder reads");
    return { kind: "docker" as const, gha: false, ignoreError: false };
  }
  const kind = exportsCache(info) ? ("buildkit" as const) : ("docker" as const);
  return {
    kind,
    gha: kind === "buildkit" && ctx.config.ci.actionsCache === true,
    ignoreError: takesIgnoreError(info.buildkit),
  };
}

async function buildxCache(ctx: BuildContext, docker: Docker, inputs: CacheInputs): Promise<CacheFlags> {
  const { config, logger } = ctx;
  if (inputs.intoEngine && (await inputs.engineHolds)) {
    logger.info(`Build cache: the engine holds images of ${config.image.name}; buildx uses the engine's own cache`);
    return buildxCacheFlags(config, "docker", [], { gha: false, ignoreError: false, write: config.pushImage });
  }
  const builder = buildxBuilder(ctx, docker);
  builder.catch(() => undefined);
  inputs.underWay();
  const images = cacheImages(config, await inputs.running());
  const { kind, ...options } = await builder;
  const flags = buildxCacheFlags(config, kind, images, { ...options, write: config.pushImage });
  // Registry sources are read with the login (a builder that pushes as it builds has it already).
  if (flags.from.some((source) => source.startsWith("type=registry,"))) await inputs.login();
  return flags;
}
