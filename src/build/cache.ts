/**
 * `cache: auto`: a build reads the layers of the previous one without any setup, also on a
 * runner that starts with an empty engine. The previous run's image is the natural source: the
 * one the application runs now, and the extra tags (latest, ...). What a builder can read and
 * write differs:
 * - classic builder: only images in the engine count, and given --cache-from it uses nothing
 *   else, not even its own layers; so the sources are pulled, and only on an engine that holds
 *   no image of the repository (a warm engine has the layers already).
 * - buildx with the docker driver: inline cache metadata in the pushed image; registry sources.
 * - a BuildKit builder (docker-container, remote, ...): a registry cache <image>:buildcache with
 *   every stage (mode=max), or GitHub's cache service (type=gha) where the job may use it.
 */
import type { Config } from "../config/config";
import { imageRef, normalizeRegistryHost, registryOfReference } from "../shared/image";

/** How the build runs, as far as caching goes. */
export type CacheBuilder = "classic" | "docker" | "buildkit";

export interface CacheFlags {
  /** buildx: --cache-from values; classic: images in the engine. */
  readonly from: readonly string[];
  /** buildx: --cache-to values. */
  readonly to: readonly string[];
}

export const NO_CACHE: CacheFlags = { from: [], to: [] };

/** The tag of the registry cache a BuildKit builder writes beside the image. */
export const BUILDCACHE_TAG = "buildcache";

/** Whether the run picks cache sources itself: cache auto, and neither cache-from nor cache-to given. */
export function autoCacheWanted(config: Pick<Config, "build" | "cache" | "cacheFrom" | "cacheTo">): boolean {
  return config.build && config.cache === "auto" && config.cacheFrom.length === 0 && config.cacheTo.length === 0;
}

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
/**
 * A full image reference, strictly: it goes into a `type=registry,ref=…` value, where a comma
 * would add attributes, and it comes from Dokploy (the application's dockerImage).
 */
const REFERENCE = new RegExp(
  `^(?:[A-Za-z0-9.-]+(?::[0-9]{1,5})?/)?${COMPONENT}(?:/${COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

/**
 * Images that may hold the previous build's layers: those the targets run now when they are in
 * the registry we push to (another registry may want credentials the run does not have), and
 * the extra tags. Not the deploy tag: a commit's tag is new on every run but a re-run.
 */
export function cacheImages(config: Pick<Config, "image" | "extraTags">, running: readonly string[]): string[] {
  const images: string[] = [];
  for (const ref of running.map((r) => r.trim())) {
    if (REFERENCE.test(ref) && registryOfReference(ref) === normalizeRegistryHost(config.image.registry)) {
      images.push(ref);
    }
  }
  for (const tag of config.extraTags) images.push(imageRef(config.image, tag));
  return [...new Set(images)];
}

/**
 * Variables the docker CLI keeps although they hold a secret: GitHub's runtime token, which
 * buildx reads from its environment for type=gha (so it never goes into argv), when the build
 * may use GitHub's cache. Otherwise docker never sees it.
 */
export function cacheEnvNames(config: Pick<Config, "build" | "cache" | "cacheFrom" | "cacheTo" | "ci">): string[] {
  const given = [...config.cacheFrom, ...config.cacheTo].some((c) => /(^|,)\s*type=gha\s*(,|$)/.test(c));
  return given || (autoCacheWanted(config) && config.ci.actionsCache === true) ? ["ACTIONS_RUNTIME_TOKEN"] : [];
}

export interface BuildxCacheOptions {
  /** The job may use GitHub's cache service and the builder can export a cache. */
  readonly gha: boolean;
  /** The run pushes: the cache may be written too (push: false writes nothing anywhere). */
  readonly write: boolean;
  /** The builder's BuildKit takes ignore-error on cache exports (v0.11 and later). */
  readonly ignoreError: boolean;
}

/** --cache-from/--cache-to for buildx: `images` as registry sources, and what this builder can write. */
export function buildxCacheFlags(
  config: Pick<Config, "image">,
  builder: "docker" | "buildkit",
  images: readonly string[],
  options: BuildxCacheOptions,
): CacheFlags {
  const sources = images.map((image) => `type=registry,ref=${image}`);
  // The docker driver exports no cache but the metadata inline in the image it pushes.
  if (builder === "docker") return { from: sources, to: ["type=inline"] };
  // A cache that cannot be written must not fail the build either.
  const lenient = options.ignoreError ? ",ignore-error=true" : "";
  if (options.gha) return { from: ["type=gha", ...sources], to: options.write ? [`type=gha,mode=max${lenient}`] : [] };
  const buildcache = imageRef(config.image, BUILDCACHE_TAG);
  return {
    from: [`type=registry,ref=${buildcache}`, ...sources],
    to: options.write ? [`type=registry,ref=${buildcache},mode=max${lenient}`] : [],
  };
}

/** Whether a BuildKit version ("v0.24.0") takes ignore-error on cache exports. */
export function takesIgnoreError(version: string | undefined): boolean {
  const match = /^v?(\d+)\.(\d+)/.exec(version ?? "");
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 0 || minor >= 11;
}

/**
 * Cache sources BuildKit could not read, from its progress output: a step
 * `#N importing cache manifest from <ref>` and then `#N ERROR: <why>`. BuildKit goes on
 * without them; the run says so once.
 */
export class CacheImportWatch {
  private readonly importing = new Map<string, string>();
  readonly failed = new Map<string, string>();

  line(text: string): void {
    const started = /^#(\d+) importing cache manifest from (\S+)/.exec(text);
    if (started?.[1] && started[2]) {
      this.importing.set(started[1], started[2]);
      return;
    }
    const error = /^#(\d+) ERROR: (.*)$/.exec(text);
    const ref = error?.[1] ? this.importing.get(error[1]) : undefined;
    if (ref && !this.failed.has(ref)) this.failed.set(ref, error?.[2]?.trim() ?? "");
  }
}

/** One line for the log naming every cache source that could not be read, and why. */
export function unreadableSources(failed: ReadonlyMap<string, string>): string | undefined {
  if (failed.size === 0) return undefined;
  const list = [...failed].map(([ref, why]) => (why ? `${ref} (${why})` : ref)).join("; ");
  return `Build cache: could not read ${list}; the build does without ${failed.size === 1 ? "it" : "them"}.`;
}
