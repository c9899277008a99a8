/** What parsing the inputs makes: the Config, its parts, and the raw inputs it is read from. */
import type { ImageName } from "../shared/image";
import type { BuildSecret } from "./build-secrets";
import type { HealthCheck } from "./health-spec";
import type { CACHE_MODES, InputName } from "./inputs";

/** The inputs as typed by the user, keyed by input name; absent is empty. */
export type RawInputs = Partial<Record<InputName, string>>;

/** What the CI says about the commit being deployed. */
export interface CiContext {
  /** Full commit SHA; empty when unknown. */
  readonly sha: string;
  /** Web URL of the repository, for the OCI source label. */
  readonly repositoryUrl?: string;
  /** Web URL of this pipeline/run, for the deployment description. */
  readonly runUrl?: string;
  readonly commitMessage?: string;
  /** Repository name, e.g. acme/web, for the OCI title label. */
  readonly repository?: string;
  /** The pull or merge request the run is for, as the CI says it: its number, whether it was just closed, and the fork it comes from. */
  readonly pullRequest?: {
    readonly number: string;
    readonly closed: boolean;
    /**
     * It comes from a fork (GitHub: its head repository is not the base's; GitLab: its source project is not the
     * merge request's project): such runs get no secrets.
     */
    readonly fromFork?: string;
  };
  /** GitHub's cache service is open to this job (its runtime token and cache URL are set): buildx's type=gha works. */
  readonly actionsCache?: boolean;
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export type TargetKind = "application" | "compose";

/** A Dokploy service to deploy to, as the inputs give it: its id, or its name. */
export type TargetSpec =
  | { readonly kind: TargetKind; readonly id: string; readonly name?: undefined }
  | { readonly kind: TargetKind; readonly name: string; readonly id?: undefined };

/** How a target is named in messages before its name is known: application "web" or application <id>. */
export function describeTarget(spec: TargetSpec): string {
  return spec.id !== undefined ? `${spec.kind} ${spec.id}` : `${spec.kind} "${spec.name}"`;
}

/** A bad input and what is wrong with it. */
export interface Problem {
  input: string;
  message: string;
}

/** A preview environment of the target, per pull request. */
export interface PreviewOptions {
  /** open: make or update it and deploy there; close: remove it; prune: remove those past their TTL. */
  readonly mode: "open" | "close" | "prune";
  /** The pull request's number; undefined with prune. */
  readonly number?: string;
  /** target: a copy of the target alone; environment: with the databases of its environment. */
  readonly template: "target" | "environment";
  /** The preview's environment name, {number} filled in. */
  readonly name: string;
  /** Its domain's host, {number} filled in; undefined: Dokploy makes one. */
  readonly host?: string;
  /** KEY=VALUE lines over the template's variables. */
  readonly env: readonly string[];
  readonly ttlSeconds: number;
  /** Most previews of the template at once; 0: no limit. */
  readonly limit: number;
}

/** What the step shows on GitHub beside its log; only the GitHub Action acts on it. */
export interface GithubOptions {
  readonly deployment: boolean;
  readonly token?: string;
  readonly environment: string;
  readonly environmentUrl?: string;
  /** Undefined: comment on pull_request events only. */
  readonly prComment?: boolean;
}

export interface Config {
  readonly dokployUrl: string;
  readonly apiKey: string;
  /** Where to deploy, as given: by id, or by name in project and environment. */
  readonly targets: readonly TargetSpec[];
  /** The project and environment that hold the targets given by name. */
  readonly names?: { readonly project: string; readonly environment: string };
  /** Compose services: the variables that carry the image reference and the tag. */
  readonly imageVariable: string;
  readonly tagVariable: string;
  readonly image: ImageName;
  readonly tag: string;
  readonly extraTags: readonly string[];
  readonly build: boolean;
  /** Push after the build (false: build only; never with deploy). */
  readonly pushImage: boolean;
  /** Send anything to Dokploy (false: build, push and pull-check only). */
  readonly deploy: boolean;
  readonly context: string;
  readonly file?: string;
  readonly target?: string;
  readonly buildArgs: readonly string[];
  readonly labels: readonly string[];
  readonly buildSecrets: readonly BuildSecret[];
  readonly platforms: readonly string[];
  readonly cacheFrom: readonly string[];
  readonly cacheTo: readonly string[];
  /** auto: cache sources and destinations chosen per builder, when cache-from/cache-to are not given. */
  readonly cache: (typeof CACHE_MODES)[number];
  /** buildx --provenance / --sbom values; undefined keeps buildx's default. */
  readonly provenance?: string;
  readonly sbom?: string;
  readonly network?: string;
  readonly builder: "auto" | "buildx" | "classic";
  /** Registry host to log in to. */
  readonly registry: string;
  readonly push?: Credentials;
  readonly pull?: Credentials;
  readonly dokployRegistry: boolean;
  readonly dokployRegistryName: string;
  readonly dokployRegistryNameGiven: boolean;
  readonly imagePrefix: string | null;
  readonly serverId?: string;
  readonly deployMethod: "redeploy" | "deploy";
  /** Deploy to an application whose source is not a Docker image, switching it. */
  readonly switchSource: boolean;
  readonly deployTitle: string;
  readonly deployDescription: string;
  readonly wait: boolean;
  readonly waitTimeoutSeconds: number;
  readonly verifyPull: boolean;
  /** With verifyPull and pull credentials: Dokploy tries the login from each target's machine. */
  readonly verifyPullOnServer: boolean;
  /** The image has a platform the nodes of each target's machine run (cluster.getNodes). */
  readonly verifyPlatform: boolean;
  readonly pinDigest: boolean;
  readonly health?: HealthCheck;
  /** On a red deploy, the last lines of each failed container's output to show; 0: none. */
  readonly diagnosticsLines: number;
  readonly rollbackOnFailure: boolean;
  /** Which targets a failed run puts back: every one it changed, or the failed ones. */
  readonly rollbackTargets: "all" | "failed";
  /** After done: check the application row and what swarm runs. */
  readonly verifyRunning: boolean;
  readonly verifyTimeoutSeconds: number;
  /** After our image runs, watch its swarm service this long; 0: do not. */
  readonly verifyStableSeconds: number;
  readonly failOnSuperseded: boolean;
  readonly retries: number;
  readonly retryMaxTimeSeconds: number;
  readonly requestTimeoutSeconds: number;
  readonly dryRun: boolean;
  readonly transport: "trpc" | "openapi";
  readonly ci: CiContext;
  /**
   * Password inputs given with spaces at either end, which were removed: docker login removes
   * them too, so a password that really has them cannot be used with docker anyway.
   */
  readonly spacedSecrets: readonly InputName[];
  /** What was changed from the inputs as given, for the adapters to tell the user. */
  readonly notices: readonly string[];
  readonly github: GithubOptions;
  /** Undefined: no preview (preview: false). */
  readonly preview?: PreviewOptions;
}

/** Every secret value of a config, for masking. */
export function secretsOf(config: Config): string[] {
  const health = config.health?.credentials;
  return [
    config.apiKey,
    config.push?.password,
    config.pull?.password,
    health?.password,
    health ? `${health.username}:${health.password}` : undefined,
    ...config.buildSecrets.map((s) => (s.kind === "value" ? s.value : undefined)),
    config.github.token,
    ...(config.preview?.env ?? []).map((line) => line.slice(line.indexOf("=") + 1)),
  ].filter((s): s is string => typeof s === "string" && s !== "");
}
