/**
 * Which platforms an image holds, and whether one of them runs on a swarm node: the words of an
 * image index or an image config, and of a node's `Description.Platform` (`uname -m`).
 */

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** `linux/arm64`, `linux/arm/v7`: as `platforms` takes it. */
export function platformName(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}

/** A node's `uname -m` in the words of image platforms; what is not listed is kept as it is. */
const MACHINES: Readonly<Record<string, Omit<Platform, "os">>> = {
  x86_64: { architecture: "amd64" },
  amd64: { architecture: "amd64" },
  aarch64: { architecture: "arm64" },
  arm64: { architecture: "arm64" },
  armv8l: { architecture: "arm", variant: "v8" },
  armv7l: { architecture: "arm", variant: "v7" },
  armv6l: { architecture: "arm", variant: "v6" },
  armv5tel: { architecture: "arm", variant: "v5" },
  i386: { architecture: "386" },
  i686: { architecture: "386" },
};

/** A node's platform as Docker describes it ({Architecture: "x86_64", OS: "linux"}). */
export function nodePlatform(described: { readonly Architecture?: string; readonly OS?: string }): Platform {
  const machine = (described.Architecture ?? "").toLowerCase();
  return { os: (described.OS ?? "").toLowerCase(), ...(MACHINES[machine] ?? { architecture: machine }) };
}

function armLevel(variant: string | undefined): number {
  return Number(/^v(\d+)$/.exec(variant ?? "")?.[1] ?? 7);
}

/**
 * Whether an image built for `image` runs on a node of `node`, as a container runtime picks a
 * platform: the same architecture (any variant of amd64 and arm64: `arm64/v8` is `arm64`), 386 on
 * amd64, 32-bit arm on arm64, and an arm variant up to the node's.
 */
export function runsOn(image: Platform, node: Platform): boolean {
  if (image.os !== node.os) return false;
  const arch = image.architecture;
  if (arch === node.architecture) return arch !== "arm" || armLevel(image.variant) <= armLevel(node.variant);
  if (arch === "386") return node.architecture === "amd64";
  if (arch === "arm") return node.architecture === "arm64";
  return false;
}

/** BuildKit's attestations sit in an index as `unknown/unknown` entries: not runnable images. */
function runnable(platform: Platform): boolean {
  return platform.os !== "unknown" && platform.architecture !== "unknown" && platform.os !== "";
}

interface IndexEntry {
  readonly platform?: { readonly os?: unknown; readonly architecture?: unknown; readonly variant?: unknown };
  readonly annotations?: Readonly<Record<string, unknown>>;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** The platforms of an image index (or manifest list), its attestation entries left out. */
export function indexPlatforms(index: { readonly manifests?: readonly IndexEntry[] }): Platform[] {
  const platforms: Platform[] = [];
  for (const entry of index.manifests ?? []) {
    if (entry.annotations?.["vnd.docker.reference.type"] === "attestation-manifest") continue;
    const p = entry.platform;
    const variant = text(p?.variant);
    const platform = { os: text(p?.os), architecture: text(p?.architecture), ...(variant ? { variant } : {}) };
    if (runnable(platform)) platforms.push(platform);
  }
  return platforms;
}

/** The platform of a single image, from its config blob; undefined when it does not say. */
export function configPlatform(config: Readonly<Record<string, unknown>>): Platform | undefined {
  const variant = text(config.variant);
  const platform = { os: text(config.os), architecture: text(config.architecture), ...(variant ? { variant } : {}) };
  return runnable(platform) ? platform : undefined;
}

/** The nodes' platforms none of the image's platforms runs on (each named once). */
export function unservedPlatforms(image: readonly Platform[], nodes: readonly Platform[]): Platform[] {
  const unserved = nodes.filter((node) => !image.some((p) => runsOn(p, node)));
  return [...new Map(unserved.map((p) => [platformName(p), p])).values()];
}
