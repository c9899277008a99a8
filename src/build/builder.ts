/**
 * Which builder runs the build, and whether it can do what the inputs ask, settled before any
 * network call whenever the answer can reject the inputs: a missing buildx, or a builder whose
 * driver cannot export a cache, build several platforms or attach attestations (buildx's
 * default `docker` driver, on an engine without the containerd image store).
 */
import type { Config } from "../config/config";
import type { BuildConfig } from "../config/slices";
import { type Docker, asksForAttestation, buildxOnlyInputs } from "./docker";
import type { CreateTempDockerConfig } from "./docker-config";
import { ConfigError } from "../shared/errors";
import type { EnginePush } from "./context";

export interface BuilderPorts {
  readonly createDockerConfig: CreateTempDockerConfig;
  /** Whether buildx is installed, found without starting the docker CLI; else `docker buildx version`. */
  readonly hasBuildx?: () => Promise<boolean>;
}

/**
 * Whether buildx builds into the engine (then the image is pushed from there): with its default
 * builder, the engine's BuildKit (driver docker), for one platform at most.
 */
export async function buildsIntoEngine(
  config: Pick<Config, "platforms">,
  ports: { readonly buildxUsesDefaultBuilder?: () => Promise<boolean> },
  buildx: boolean,
): Promise<boolean> {
  return buildx && config.platforms.length <= 1 && ((await ports.buildxUsesDefaultBuilder?.()) ?? false);
}

/**
 * The engine's own push for this run: what is built into the engine (the classic builder,
 * buildx's docker driver) and pushed with the run's credentials. Undefined otherwise, or when
 * the engine is not reached through its socket.
 */
export async function enginePushFor(
  config: Pick<Config, "push" | "pushImage">,
  ports: { readonly enginePush?: () => Promise<EnginePush | undefined> },
  buildx: boolean,
  intoEngine: boolean,
): Promise<EnginePush | undefined> {
  return config.push && config.pushImage && (!buildx || intoEngine) ? ports.enginePush?.() : undefined;
}

export interface BuilderChoice {
  /** Whether buildx builds; still running when nothing before the build depends on it. */
  readonly probe: Promise<boolean>;
}

/** What `docker buildx inspect --debug` says of the current builder. */
export interface BuilderInfo {
  readonly name: string;
  readonly driver: string;
  /** buildx's driver features ("Cache export", "Multi-platform build", ...); false on any node counts. */
  readonly features: ReadonlyMap<string, boolean>;
  /** The first node's BuildKit version, e.g. v0.24.0, when buildx says. */
  readonly buildkit?: string;
}

export function parseBuilderInfo(text: string): BuilderInfo | undefined {
  const name = /^Name:\s+(.+)$/m.exec(text)?.[1]?.trim();
  const driver = /^Driver:\s+(.+)$/m.exec(text)?.[1]?.trim();
  if (!name || !driver) return undefined;
  const features = new Map<string, boolean>();
  let inFeatures = false;
  for (const line of text.split("\n")) {
    if (/^Features:\s*$/.test(line)) inFeatures = true;
    else if (!/^\s/.test(line)) inFeatures = false;
    else if (inFeatures) {
      const feature = /^\s+(.+?):\s+(true|false)\s*$/.exec(line);
      if (feature?.[1]) features.set(feature[1], (features.get(feature[1]) ?? true) && feature[2] === "true");
    }
  }
  const buildkit = /^BuildKit version:\s+(\S+)/im.exec(text)?.[1];
  return { name, driver, features, buildkit };
}

/** Whether the builder has a feature; buildx before 0.11 does not list them: judge by driver. */
function can(info: BuilderInfo, feature: string): boolean {
  return info.features.get(feature) ?? info.driver !== "docker";
}

/** Whether the builder can export a cache (a BuildKit builder), or only inline (the docker driver). */
export function exportsCache(info: BuilderInfo): boolean {
  return can(info, "Cache export");
}

const SETUP =
  "Add docker/setup-buildx-action before this step (elsewhere: docker buildx create --use --driver docker-container)";

/** The inputs this builder cannot honour, each with what to do; empty when it can do all. */
export function unsupportedInputs(config: BuildConfig, info: BuilderInfo): { input: string; message: string }[] {
  const builder = `the builder "${info.name}" uses the ${info.driver} driver, which`;
  const problems: { input: string; message: string }[] = [];
  const exported = config.cacheTo.filter((c) => !/(^|,)type=inline(,|$)/.test(c));
  if (exported.length > 0 && !can(info, "Cache export")) {
    problems.push({
      input: "cache-to",
      message: `${builder} cannot export a build cache. ${SETUP}, or remove cache-to (type=inline works with any builder)`,
    });
  }
  if (config.platforms.length > 1 && !can(info, "Multi-platform build")) {
    problems.push({
      input: "platforms",
      message: `${builder} cannot build several platforms (${config.platforms.join(",")}). ${SETUP}, and docker/setup-qemu-action for RUN steps of other architectures; or give one platform`,
    });
  }
  for (const input of ["provenance", "sbom"] as const) {
    if (asksForAttestation(config[input]) && !can(info, "Multi-platform build")) {
      problems.push({ input, message: `${builder} cannot attach attestations. ${SETUP}, or set ${input} to false` });
    }
  }
  return problems;
}

function needsDriverCheck(config: BuildConfig): boolean {
  return (
    config.cacheTo.length > 0 ||
    config.platforms.length > 1 ||
    asksForAttestation(config.provenance) ||
    asksForAttestation(config.sbom)
  );
}

/** The first problem as the error's input; every problem in its message. */
function inputError(problems: readonly { input: string; message: string }[]): ConfigError | undefined {
  const [first] = problems;
  if (!first) return undefined;
  const error = new ConfigError(first.input, first.message);
  if (problems.length > 1) error.message = problems.map((p) => `Input "${p.input}": ${p.message}`).join("\n");
  return error;
}

/**
 * Asks buildx about the current builder, in a throwaway copy of the docker config: buildx
 * writes its state (current builder, activity) into the config it runs with.
 */
async function inspectBuilder(
  config: BuildConfig,
  ports: BuilderPorts,
  docker: Docker,
): Promise<BuilderInfo | undefined> {
  const temp = await ports.createDockerConfig(config.registry, { keepLogin: true });
  try {
    const text = await docker.withConfigDir(temp.dir).inspectBuilder();
    return text === undefined ? undefined : parseBuilderInfo(text);
  } finally {
    await temp.remove().catch(() => undefined);
  }
}

function missingBuildx(config: BuildConfig, needBuildx: readonly string[]): ConfigError {
  const [first = "builder"] = needBuildx;
  if (config.builder === "buildx") {
    return new ConfigError(
      "builder",
      "is buildx, but docker buildx is not installed here (no executable docker-buildx where the docker CLI looks for plugins). Add docker/setup-buildx-action before this step, or set builder to auto",
    );
  }
  const given = needBuildx.join(", ");
  return new ConfigError(
    first,
    config.builder === "classic"
      ? `needs buildx, but builder is classic (${given} given). Set builder to auto or buildx, or remove ${given}`
      : `needs docker buildx, which is not installed here (${given} given). Add docker/setup-buildx-action before this step, or remove ${given}`,
  );
}

/**
 * Starts the buildx probe, and answers it at once (throwing ConfigError for what cannot be
 * built) when the inputs depend on it; else the probe runs beside what comes next.
 */
export async function chooseBuilder(config: BuildConfig, ports: BuilderPorts, docker: Docker): Promise<BuilderChoice> {
  if (!config.build) return { probe: Promise.resolve(false) };
  const probe = config.builder === "classic" ? Promise.resolve(false) : (ports.hasBuildx?.() ?? docker.hasBuildx());
  const needBuildx = buildxOnlyInputs(config);
  if (needBuildx.length === 0 && !config.dryRun && config.builder !== "buildx") return { probe };
  const buildx = await probe;
  if (!buildx && (needBuildx.length > 0 || config.builder === "buildx")) throw missingBuildx(config, needBuildx);
  if (buildx && needsDriverCheck(config)) {
    const info = await inspectBuilder(config, ports, docker);
    const error = info && inputError(unsupportedInputs(config, info));
    if (error) throw error;
  }
  return { probe: Promise.resolve(buildx) };
}
