import type { BuildConfig } from "../config/slices";
import { secretArgs } from "./build-secrets";
import { type CacheFlags, NO_CACHE } from "./cache";
import type { Credentials } from "../config/config";
import type { TempDockerConfig } from "./docker-config";
import { CommandError } from "../shared/errors";
import type { Exec } from "../shared/exec";
import { checkedDigest, imageRef } from "../shared/image";
import type { Logger } from "../shared/log";

import type { ClassicLabels } from "./dockerfile";

export { type ClassicLabels, dockerfileEscape, dockerfileWithLabels, pullsFrom } from "./dockerfile";

export const METADATA_FILE = "build-metadata.json";
export const IID_FILE = "build-iid";
/** Lines of a command's output kept for its error message and digest. */
const KEPT_LINES = 200;

/** The OCI labels that stay the same from one commit to the next: source and title. */
export function stableOciLabels(config: BuildConfig): string[] {
  const labels: string[] = [];
  if (config.ci.repositoryUrl) labels.push(`org.opencontainers.image.source=${config.ci.repositoryUrl}`);
  const title = config.ci.repository?.split("/").at(-1) ?? config.image.path.split("/").at(-1);
  if (title) labels.push(`org.opencontainers.image.title=${title}`);
  return labels;
}

/** The OCI annotations of a build with buildx (user labels given later override them). */
export function ociLabels(config: BuildConfig, created: Date): string[] {
  const labels = [`org.opencontainers.image.created=${created.toISOString()}`];
  if (config.ci.sha) labels.push(`org.opencontainers.image.revision=${config.ci.sha}`);
  return [...labels, ...stableOciLabels(config)];
}

/** Every reference pushed: the deploy tag first, then the extra tags. */
export function pushRefs(config: BuildConfig): string[] {
  return [config.tag, ...config.extraTags].map((t) => imageRef(config.image, t));
}

export interface BuildArgvOptions {
  readonly buildx: boolean;
  /** Directory for the metadata/iid files (the temporary docker config dir). */
  readonly outDir: string;
  readonly created: Date;
  /**
   * A copy of the Dockerfile with the classic build's labels in LABEL lines where they cost the
   * least (see dockerfileWithLabels); without it, they are --label flags.
   */
  readonly labelledDockerfile?: string;
  /** Cache sources and destinations chosen by `cache: auto`, beside the inputs'. */
  readonly cache?: CacheFlags;
  /** buildx builds into the engine (the docker driver), which pushes it after the build: no --push. */
  readonly intoEngine?: boolean;
}

/** Every label of a buildx build: the OCI ones, then the user's (later ones win). */
export function allLabels(config: BuildConfig, created: Date): string[] {
  return [...ociLabels(config, created), ...config.labels];
}

/**
 * The labels of a classic build. It leaves out the OCI labels that change with every commit
 * (revision, created): the classic builder would pay a container and a commit for them on every
 * build, after any step that changed. The tag is the revision, and the image's own Created field
 * the time of the build.
 */
export function classicLabels(config: BuildConfig): ClassicLabels {
  return { afterFrom: stableOciLabels(config), atEnd: config.labels };
}

/**
 * argv (without the leading `docker`) of the build. buildx with a BuildKit builder builds and
 * pushes in one go; with the docker driver it builds into the engine, as the classic builder.
 */
export function buildArgv(config: BuildConfig, options: BuildArgvOptions): string[] {
  const argv = options.buildx ? ["buildx", "build"] : ["build"];
  const file = options.labelledDockerfile ?? config.file;
  if (file) argv.push("--file", file);
  for (const ref of pushRefs(config)) argv.push("--tag", ref);
  if (!options.labelledDockerfile) {
    const classic = classicLabels(config);
    const labels = options.buildx ? allLabels(config, options.created) : [...classic.afterFrom, ...classic.atEnd];
    for (const label of labels) argv.push("--label", label);
  }
  for (const arg of config.buildArgs) argv.push("--build-arg", arg);
  if (config.target) argv.push("--target", config.target);
  if (config.network) argv.push("--network", config.network);
  const cache = options.cache ?? NO_CACHE;
  // The classic builder takes images in the engine as cache sources.
  if (!options.buildx) for (const image of cache.from) argv.push("--cache-from", image);
  if (options.buildx) {
    if (config.platforms.length > 0) argv.push("--platform", config.platforms.join(","));
    for (const c of [...config.cacheFrom, ...cache.from]) argv.push("--cache-from", c);
    for (const c of [...config.cacheTo, ...cache.to]) argv.push("--cache-to", c);
    argv.push(...secretArgs(config.buildSecrets, options.outDir));
    // One argument each: the values hold "=" and commas (mode=max,builder-id=...).
    if (config.provenance !== undefined) argv.push(`--provenance=${config.provenance}`);
    if (config.sbom !== undefined) argv.push(`--sbom=${config.sbom}`);
    argv.push("--metadata-file", `${options.outDir}/${METADATA_FILE}`);
  }
  argv.push("--iidfile", `${options.outDir}/${IID_FILE}`);
  if (options.buildx && config.pushImage && !options.intoEngine) argv.push("--push");
  argv.push(config.context);
  return argv;
}

export function loginArgv(registry: string, username: string): string[] {
  return ["login", registry, "--username", username, "--password-stdin"];
}

export function pushArgv(ref: string): string[] {
  return ["push", ref];
}

/**
 * The digest `docker push` prints: "<tag>: digest: sha256:... size: N" (the last such line).
 * Throws when what follows "digest:" is not a digest: it would be deployed as one.
 */
export function parsePushDigest(output: string, from = "docker push"): string | undefined {
  const given = [...output.matchAll(/(?:^|\s)digest: (.*) size: \d+\s*$/gm)].at(-1)?.[1];
  return given === undefined ? undefined : checkedDigest(given, from);
}

/** The digest buildx writes to --metadata-file; throws when it is not a digest. */
export function parseMetadataDigest(json: string): string | undefined {
  const data = JSON.parse(json) as Record<string, unknown>;
  const digest = data["containerimage.digest"];
  return typeof digest === "string" ? checkedDigest(digest, "buildx's metadata file") : undefined;
}

/** Whether a --provenance/--sbom value asks for an attestation (buildx reads false, 0, f as off). */
export function asksForAttestation(value: string | undefined): boolean {
  return value !== undefined && !/^(false|0|f)$/i.test(value);
}

/** Inputs that need buildx, with their values, for the error without it. */
export function buildxOnlyInputs(config: BuildConfig): string[] {
  const used: string[] = [];
  if (config.platforms.length > 0) used.push("platforms");
  if (config.cacheFrom.length > 0) used.push("cache-from");
  if (config.cacheTo.length > 0) used.push("cache-to");
  if (config.buildSecrets.length > 0) used.push("build-secrets");
  if (asksForAttestation(config.provenance)) used.push("provenance");
  if (asksForAttestation(config.sbom)) used.push("sbom");
  return used;
}

export interface BuildOutputs {
  /** From the metadata file: buildx only (the classic builder's comes from docker push). */
  readonly digest?: string;
  readonly imageId?: string;
  /** The metadata file as one line of JSON. */
  readonly metadata?: string;
}

/** What the build left in the temporary docker config: metadata (buildx) and image ID. */
export async function readBuildOutputs(temp: Pick<TempDockerConfig, "readFile">): Promise<BuildOutputs> {
  const [metadata, iid] = await Promise.all([temp.readFile(METADATA_FILE), temp.readFile(IID_FILE)]);
  let parsed: unknown;
  try {
    parsed = metadata === undefined ? undefined : JSON.parse(metadata);
  } catch {
    parsed = undefined;
  }
  return {
    digest: metadata && parsed !== undefined ? parseMetadataDigest(metadata) : undefined,
    imageId: iid?.trim() || undefined,
    metadata: parsed === undefined ? undefined : JSON.stringify(parsed),
  };
}

/** Docker CLI over an injected Exec, with the temporary DOCKER_CONFIG. */
export class Docker {
  constructor(
    private readonly exec: Exec,
    private readonly logger: Logger,
    private readonly env: Readonly<Record<string, string>> = {},
  ) {}

  withConfigDir(dir: string): Docker {
    return new Docker(this.exec, this.logger, { ...this.env, DOCKER_CONFIG: dir });
  }

  async hasBuildx(): Promise<boolean> {
    const result = await this.exec("docker", ["buildx", "version"], { env: this.env });
    return result.exitCode === 0;
  }

  async login(registry: string, credentials: Credentials, signal?: AbortSignal): Promise<void> {
    const argv = loginArgv(registry, credentials.username);
    const result = await this.exec("docker", argv, { env: this.env, input: credentials.password, signal });
    if (result.exitCode !== 0) {
      throw new CommandError(
        `docker login to ${registry} as ${credentials.username} (check registry-username and registry-password)`,
        ["docker", ...argv],
        result.exitCode,
        result.stderr || result.stdout,
      );
    }
    this.logger.info(`Logged in to ${registry} as ${credentials.username}`);
  }

  /** Runs a docker command, streaming its output into the log (and to `watch`). */
  async run(
    step: string,
    argv: readonly string[],
    signal?: AbortSignal,
    watch?: (line: string) => void,
  ): Promise<string> {
    this.logger.info(`$ docker ${argv.join(" ")}`);
    // The end of the output is what an error shows and where push prints the digest.
    const output: string[] = [];
    const result = await this.exec("docker", argv, {
      env: this.env,
      signal,
      onLine: (line) => {
        output.push(line);
        if (output.length > KEPT_LINES) output.shift();
        this.logger.info(line);
        watch?.(line);
      },
    });
    const text = output.length > 0 ? output.join("\n") : `${result.stdout}\n${result.stderr}`;
    if (result.exitCode !== 0) throw new CommandError(step, ["docker", ...argv], result.exitCode, text);
    return text;
  }

  /**
   * Runs the build argv. The classic builder gets DOCKER_BUILDKIT=0: without it the CLI hands
   * `docker build` to buildx whenever buildx is installed, and it would not be classic.
   */
  build(argv: readonly string[], signal?: AbortSignal, watch?: (line: string) => void): Promise<string> {
    if (argv[0] !== "build") return this.run("docker build", argv, signal, watch);
    // The CLI's own notice then says to remove DOCKER_BUILDKIT=0, which the user did not set.
    this.logger.info("Classic builder (DOCKER_BUILDKIT=0): builder is classic, or docker cannot run buildx here");
    const classic = new Docker(this.exec, this.logger, { ...this.env, DOCKER_BUILDKIT: "0" });
    return classic.run("docker build", argv, signal);
  }

  /**
   * `docker buildx inspect --debug`: the current builder, its driver and what it can do.
   * Undefined when buildx cannot say within 10 s (an unreachable remote builder, say).
   */
  async inspectBuilder(): Promise<string | undefined> {
    const signal = AbortSignal.timeout(10_000);
    const result = await this.exec("docker", ["buildx", "inspect", "--debug"], { env: this.env, signal });
    return result.exitCode === 0 ? result.stdout : undefined;
  }

  /** Whether the engine holds any image of `repository` (any tag). */
  async holdsImagesOf(repository: string, signal?: AbortSignal): Promise<boolean> {
    const result = await this.exec("docker", ["images", "--quiet", repository], { env: this.env, signal });
    return result.exitCode === 0 && result.stdout.trim() !== "";
  }

  /** Pulls an image quietly; the reason it could not, if it could not (the last line docker said). */
  async pullQuietly(ref: string, signal?: AbortSignal): Promise<string | undefined> {
    const result = await this.exec("docker", ["pull", "--quiet", ref], { env: this.env, signal });
    if (result.exitCode === 0) return undefined;
    const said = (result.stderr.trim() || result.stdout.trim()).split("\n").at(-1)?.trim();
    return said || `docker pull exited with ${String(result.exitCode)}`;
  }

  /** Pushes one reference and returns the digest the registry reported. */
  async push(ref: string, signal?: AbortSignal): Promise<string | undefined> {
    const out = await this.run(`docker push ${ref}`, pushArgv(ref), signal);
    return parsePushDigest(out, `docker push ${ref}`);
  }
}
