import { errorMessage, ConfigError } from "../shared/errors";
import { type BuildSecret, parseBuildSecret } from "./build-secrets";
import { type HealthCheck, parseStatuses } from "./health-spec";
import { type ImageName, isValidTag, normalizeRegistryHost, parseImageNameLowercasing } from "../shared/image";

/** One row of THE input table: action.yml, the docs and the parser all come from here. */
export interface InputSpec {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  /** Static default, as the user would type it. */
  readonly default?: string;
  /** What the default is when it is computed (shown in docs only). */
  readonly defaultText?: string;
  readonly secret?: boolean;
  /** May hold line breaks (lists, a JSON key file); every other input is one line. */
  readonly multiline?: boolean;
  /**
   * What the value is, for the CIs that type their inputs (the GitLab spec) and the docs:
   * a duration is a number of seconds there, and also takes a unit (90s, 10m) elsewhere.
   */
  readonly type?: "boolean" | "number" | "duration";
  /** The only values accepted. */
  readonly options?: readonly string[];
  /** A regular expression the value must match (checked by GitLab before the job runs). */
  readonly pattern?: string;
  /** Only the GitHub Action has it (it talks to GitHub's API); the CLI, the GitLab component and the pipe skip it. */
  readonly githubOnly?: boolean;
}

export const BUILDERS = ["auto", "buildx", "classic"] as const;
export const CACHE_MODES = ["auto", "off"] as const;
export const DEPLOY_METHODS = ["redeploy", "deploy"] as const;
export const TRANSPORTS = ["trpc", "openapi"] as const;
export const ROLLBACK_TARGETS = ["all", "failed"] as const;
/** The unit note of a duration's description, where a unit may be given. */
export const DURATION_UNITS = " (or with a unit: 90s, 10m, 1h)";

export const INPUTS = [
  {
    name: "dokploy-url",
    defaultText: "required unless deploy is false",
    // Empty is allowed: a pipeline with deploy: false needs no Dokploy.
    pattern: "^(https?://.*)?$",
    description: "Base URL of the Dokploy server, e.g. https://dokploy.example.com.",
  },
  {
    name: "dokploy-api-key",
    defaultText: "required unless deploy is false",
    secret: true,
    description:
      "Dokploy API key (sent as the x-api-key header). Create it in Dokploy under Settings > Profile > API/CLI.",
  },
  {
    name: "application-id",
    defaultText: "one target is required unless deploy is false",
    multiline: true,
    // Lists: one per line or comma separated.
    pattern: "^[A-Za-z0-9_,\\s-]*$",
    description:
      "ID of the Dokploy application to deploy (the last part of its URL in Dokploy), or several (one per line or comma separated): one build is deployed to all of them at once. Or give them by name: project and application.",
  },
  {
    name: "project",
    default: "",
    description:
      "Name of the Dokploy project, to give targets by name (application, compose) instead of by id; resolved with one read before anything is built.",
  },
  {
    name: "dokploy-environment",
    default: "production",
    description: "Name of the environment of project that holds the targets given by name.",
  },
  {
    name: "application",
    default: "",
    multiline: true,
    description:
      "Name of the application in project and dokploy-environment, instead of application-id; several: one per line or comma separated.",
  },
  {
    name: "compose-id",
    default: "",
    multiline: true,
    pattern: "^[A-Za-z0-9_,\\s-]*$",
    description:
      "ID of a Dokploy compose service to deploy (several: one per line or comma separated), instead of or beside applications. The image reaches its compose file through its environment: image-variable and tag-variable are set there, every other variable is kept.",
  },
  {
    name: "compose",
    default: "",
    multiline: true,
    description:
      "Name of the compose service in project and dokploy-environment, instead of compose-id; several: one per line or comma separated.",
  },
  {
    name: "image-variable",
    default: "IMAGE",
    pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
    description:
      "Compose services: the variable set to <image>:<tag> (with @<digest> under pin-digest), for a compose file that says image: ${IMAGE}.",
  },
  {
    name: "tag-variable",
    default: "TAG",
    pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
    description:
      "Compose services: the variable set to the tag, for a compose file that says image: ghcr.io/acme/web:${TAG}.",
  },
  {
    name: "image",
    required: true,
    description: "Image repository without tag, e.g. ghcr.io/acme/web or acme/web for Docker Hub.",
  },
  {
    name: "tag",
    defaultText: "commit SHA",
    description: "Tag to push and deploy. Defaults to the full commit SHA, so every deploy is pinned to its commit.",
  },
  {
    name: "extra-tags",
    default: "",
    multiline: true,
    description: "More tags to push with the same image, e.g. latest (newline or comma separated).",
  },
  { name: "context", default: ".", description: "Docker build context." },
  { name: "file", defaultText: "<context>/Dockerfile", description: "Path to the Dockerfile." },
  { name: "target", default: "", description: "Build stage to build (--target)." },
  { name: "build-args", default: "", multiline: true, description: "Build arguments, one KEY=VALUE per line." },
  {
    name: "labels",
    default: "",
    multiline: true,
    description:
      "Extra image labels, one KEY=VALUE per line. OCI labels are always added: source and title; with buildx also revision and created (the classic builder leaves out those two, which would cost every build an uncached step).",
  },
  {
    name: "build-secrets",
    default: "",
    multiline: true,
    description:
      "Build secrets, one per line: NAME=value (as build-push-action's secrets input; the value reaches buildx through a private temporary file), or a buildx --secret spec such as id=npm,env=NPM_TOKEN or id=npm,src=.npmrc (buildx only).",
  },
  {
    name: "platforms",
    default: "",
    multiline: true,
    description: "Target platforms, e.g. linux/amd64,linux/arm64 (buildx only).",
  },
  {
    name: "cache-from",
    default: "",
    multiline: true,
    description: "buildx --cache-from sources, one per line, e.g. type=gha (buildx only).",
  },
  {
    name: "cache-to",
    default: "",
    multiline: true,
    description: "buildx --cache-to destinations, one per line, e.g. type=gha,mode=max (buildx only).",
  },
  {
    name: "cache",
    default: "auto",
    options: CACHE_MODES,
    description:
      "auto: build from the previous build's layers with no setup, also on a runner that starts empty: the image the application runs now (when in the same registry) and the extra tags as cache sources, inline cache metadata in the pushed image, and with a BuildKit builder <image>:buildcache (type=gha on GitHub). A source that cannot be read never fails the build. off: no cache sources beyond the engine's own. Given cache-from or cache-to, only those are used.",
  },
  {
    name: "provenance",
    default: "",
    description:
      "buildx --provenance, e.g. mode=max or false; empty keeps buildx's default. Attestations need a BuildKit builder such as docker/setup-buildx-action's (buildx only).",
  },
  {
    name: "sbom",
    default: "",
    description:
      "buildx --sbom, e.g. true; empty keeps buildx's default. Attestations need a BuildKit builder such as docker/setup-buildx-action's (buildx only).",
  },
  { name: "network", default: "", description: "Network mode for RUN steps during the build (--network), e.g. host." },
  {
    name: "builder",
    default: "auto",
    options: BUILDERS,
    description:
      "auto (docker buildx build when buildx is installed, else docker build), buildx (fails when buildx is not installed), or classic (docker build with DOCKER_BUILDKIT=0, e.g. where the daemon does not allow BuildKit).",
  },
  {
    name: "build",
    default: "true",
    type: "boolean",
    description: "Build and push the image. false deploys <image>:<tag> that is already in the registry.",
  },
  {
    name: "push",
    default: "true",
    type: "boolean",
    description:
      "Push the image after the build. false builds only (needs deploy: false), e.g. for pull requests from forks, which get no registry secrets.",
  },
  {
    name: "deploy",
    default: "true",
    type: "boolean",
    description:
      "Deploy to Dokploy. false builds (and with push, pushes and checks the pull) without sending anything to Dokploy, so one workflow serves pull requests and the main branch; dokploy-url, dokploy-api-key and the target are not needed then.",
  },
  {
    name: "registry",
    defaultText: "host of image",
    description: "Registry to log in to before pushing; must be the registry of the image.",
  },
  {
    name: "registry-username",
    default: "",
    description: "Username for pushing. Leave empty to skip docker login (e.g. when an earlier step logged in).",
  },
  {
    name: "registry-password",
    default: "",
    secret: true,
    multiline: true,
    description: "Password or token for pushing; passed to docker on stdin only.",
  },
  {
    name: "pull-username",
    defaultText: "registry-username",
    description: "Username Dokploy pulls the image with (e.g. a read-only token's user).",
  },
  {
    name: "pull-password",
    defaultText: "registry-password",
    secret: true,
    multiline: true,
    description:
      "Password or token Dokploy pulls the image with. Both pull inputs empty and no push credentials: the image is treated as public.",
  },
  {
    name: "dokploy-registry",
    default: "false",
    type: "boolean",
    description:
      "true: create the registry entry in Dokploy, or update the one for this registry host, with the pull credentials.",
  },
  {
    name: "dokploy-registry-name",
    defaultText: "registry host",
    description: "Name of the registry entry in Dokploy when dokploy-registry is true.",
  },
  {
    name: "image-prefix",
    default: "",
    description: "imagePrefix of the registry entry in Dokploy (dokploy-registry only).",
  },
  {
    name: "server-id",
    default: "",
    description: "Dokploy server ID the registry entry belongs to, for remote servers (dokploy-registry only).",
  },
  {
    name: "deploy-method",
    default: "redeploy",
    options: DEPLOY_METHODS,
    description: "redeploy, or deploy (Dokploy pulls the image first and fails fast on a bad tag or credentials).",
  },
  {
    name: "switch-source",
    default: "false",
    type: "boolean",
    description:
      "true: also deploy to an application that builds from git (or any source other than a Docker image), switching it to the image. Without it, such an application is refused before anything changes in Dokploy.",
  },
  { name: "deploy-title", defaultText: "Deploy <short sha>", description: "Title of the deployment in Dokploy." },
  {
    name: "deploy-description",
    defaultText: "commit message and run URL",
    multiline: true,
    description: "Description of the deployment in Dokploy.",
  },
  {
    name: "wait",
    default: "true",
    type: "boolean",
    description: "Follow the deployment until it is done or failed; the step fails when the deployment fails.",
  },
  {
    name: "wait-timeout",
    default: "600",
    type: "duration",
    description: "How long to wait for the deployment, in seconds.",
  },
  {
    name: "verify-running",
    default: "true",
    type: "boolean",
    description:
      "After Dokploy says done, check what really runs: the application still holds our image (else superseded), and Docker Swarm runs a task of it (else not-running, with swarm's reason).",
  },
  {
    name: "verify-timeout",
    default: "60",
    type: "duration",
    description: "How long Docker Swarm may take to run our image after Dokploy says done, in seconds.",
  },
  {
    name: "fail-on-superseded",
    default: "false",
    type: "boolean",
    description:
      "Fail (exit 1) when a later run's image was deployed over ours (deployment-status superseded); by default that only warns.",
  },
  {
    name: "verify-pull",
    default: "true",
    type: "boolean",
    description:
      "Before changing anything in Dokploy, check that the registry serves <image>:<tag> to the pull credentials, and that it is the digest just pushed.",
  },
  {
    name: "pin-digest",
    default: "false",
    type: "boolean",
    description: "Deploy <image>:<tag>@<digest>, so the running image can never drift from what was checked.",
  },
  {
    name: "health-url",
    default: "",
    description:
      "After the deployment is done, GET this URL until it answers health-status; the step fails if it does not. Credentials in it (https://user:pass@host/...) are sent as Basic auth.",
  },
  {
    name: "health-status",
    default: "2xx",
    description: "Statuses the health URL must answer: 2xx, 200, 200-399, or a comma list.",
  },
  {
    name: "health-contains",
    default: "",
    description: "A string the health URL's body must contain, e.g. the commit SHA the app reports.",
  },
  {
    name: "health-timeout",
    default: "120",
    type: "duration",
    description: "How long the health check may take, in seconds.",
  },
  {
    name: "health-interval",
    default: "3",
    type: "duration",
    description: "Pause between health check requests, in seconds.",
  },
  {
    name: "rollback-on-failure",
    default: "false",
    type: "boolean",
    description:
      "When the deployment fails or times out, point the application back at the image it ran before and redeploy that (the step still fails).",
  },
  {
    name: "rollback-targets",
    default: "all",
    options: ROLLBACK_TARGETS,
    description:
      "With several targets and rollback-on-failure: all (put back every target this run changed when any fails) or failed (only the targets that failed).",
  },
  {
    name: "retries",
    default: "4",
    type: "number",
    description:
      "How many times a failed Dokploy call is retried (network errors, 429, 502, 503, 504); 0 turns retries off.",
  },
  {
    name: "retry-max-time",
    default: "60",
    type: "duration",
    description: "No retry starts later than this after the first attempt, in seconds.",
  },
  {
    name: "request-timeout",
    default: "30",
    type: "duration",
    description: "Time limit of each Dokploy request, in seconds; at least 1 s.",
  },
  {
    name: "dry-run",
    default: "false",
    type: "boolean",
    description:
      "Validate the inputs and print the plan (commands and API calls, secrets masked) without building or changing anything.",
  },
  {
    name: "dokploy-api",
    default: "trpc",
    options: TRANSPORTS,
    description: "API transport: trpc (as Dokploy's own CLI uses) or openapi.",
  },
  {
    name: "github-deployment",
    default: "false",
    type: "boolean",
    githubOnly: true,
    description:
      "true: record the deploy as a GitHub deployment of environment (in progress once Dokploy runs it, then success or failure), linked to the run and to environment-url.",
  },
  {
    name: "github-token",
    default: "${{ github.token }}",
    secret: true,
    githubOnly: true,
    description:
      "Token for GitHub's API (github-deployment, pr-comment). The job's token needs deployments: write and pull-requests: write.",
  },
  {
    name: "environment",
    default: "production",
    githubOnly: true,
    description: "GitHub environment the deployment is recorded in (github-deployment), e.g. staging.",
  },
  {
    name: "environment-url",
    defaultText: "the (first) target's page in Dokploy",
    githubOnly: true,
    description: "URL GitHub shows for the environment and the deployment, e.g. the app's domain.",
  },
  {
    name: "pr-comment",
    defaultText: "true on pull_request events",
    githubOnly: true,
    description:
      "Comment on the pull request with the image, digest, target, status and links: one comment per set of targets (per image with deploy: false) and environment, updated on re-runs.",
  },
] as const satisfies readonly InputSpec[];

/** Inputs every front end has: the CLI, the GitLab component and the pipe read these. */
export const PORTABLE_INPUTS = (INPUTS as readonly InputSpec[]).filter((input) => !input.githubOnly);

export type InputName = (typeof INPUTS)[number]["name"];
export type RawInputs = Partial<Record<InputName, string>>;

export const OUTPUTS = [
  { name: "image", description: "Image reference that was deployed, <image>:<tag>." },
  { name: "tag", description: "Tag that was pushed and deployed." },
  {
    name: "digest",
    description:
      "Digest of the image deployed (sha256:...): the one pushed, or with build: false the one the pull check found; empty with build: false and verify-pull: false.",
  },
  {
    name: "image-ref-digest",
    description: "<image>@<digest>, a reference that can never drift; empty when digest is.",
  },
  { name: "registry-id", description: "ID of the Dokploy registry entry created or updated (dokploy-registry only)." },
  { name: "deployment-id", description: "ID of the Dokploy deployment that was followed (wait only)." },
  {
    name: "deployment-status",
    description:
      "How it ended: done (our image runs), superseded (a later run's image was deployed over ours), not-running (Dokploy said done but our image does not run), error, cancelled, timeout, unknown (a status this version does not know), or queued when not waiting.",
  },
  { name: "application-url", description: "Link to the application in the Dokploy dashboard." },
  {
    name: "targets",
    description:
      'Every target as JSON, in the order given: [{"kind":"application","id":…,"name":…,"url":…,"deployment-id":…,"deployment-status":…}]. The single-value outputs above are the first target\'s.',
  },
  { name: "health", description: "Last health check answer, e.g. 200 in 34 ms (health-url only)." },
  {
    name: "imageid",
    description:
      "Image ID of the image built: its config digest (with several platforms, the index digest, as buildx reports it); empty with build: false.",
  },
  {
    name: "metadata",
    description:
      "The build's metadata as JSON, as buildx writes it with --metadata-file (buildx only). With the docker driver the image is built into the engine and pushed from there: containerimage.digest there is its config digest; the digest output is the registry's.",
  },
] as const;

export type OutputName = (typeof OUTPUTS)[number]["name"];

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
  readonly pinDigest: boolean;
  readonly health?: HealthCheck;
  readonly rollbackOnFailure: boolean;
  /** Which targets a failed run puts back: every one it changed, or the failed ones. */
  readonly rollbackTargets: "all" | "failed";
  /** After done: check the application row and what swarm runs. */
  readonly verifyRunning: boolean;
  readonly verifyTimeoutSeconds: number;
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
  ].filter((s): s is string => typeof s === "string" && s !== "");
}

// ---- field parsers: each gets the trimmed raw text and throws an Error saying what is expected

/** An input's parser: the value trimmed (absent is empty); throws an Error saying what is wrong. */
function field<T>(parse: (value: string) => T): (raw: string | undefined) => T {
  return (raw) => parse((raw ?? "").trim());
}

function optionalText() {
  return field((v) => (v === "" ? undefined : v));
}

/** true, false, or undefined when empty. */
function parseBoolean(v: string): boolean | undefined {
  const lower = v.toLowerCase();
  if (lower === "") return undefined;
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw new Error(`"${v}" is not a boolean; expected true or false`);
}

function boolean(fallback: boolean) {
  return field((v) => parseBoolean(v) ?? fallback);
}

/** true, false, or empty: decided by the CI event. */
function maybeBoolean() {
  return field(parseBoolean);
}

function choice<T extends string>(options: readonly T[], fallback: T) {
  return field((v) => {
    if (v === "") return fallback;
    const found = options.find((o) => o === v.toLowerCase());
    if (!found) throw new Error(`"${v}" is not one of ${options.join(", ")}`);
    return found;
  });
}

/** Lists: one item a line; `commas` also splits on commas (for values that never hold one). */
export function splitList(value: string, commas: boolean): string[] {
  const parts = value.split(commas ? /[\n,]/ : /\n/);
  return parts.map((p) => p.trim()).filter((p) => p !== "" && !p.startsWith("#"));
}

function list(commas: boolean, check?: (item: string) => void) {
  return field((v) => {
    const items = splitList(v, commas);
    if (check) items.forEach(check);
    return items;
  });
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function variableName(fallback: string) {
  return field((v) => {
    if (v === "") return fallback;
    if (!VARIABLE.test(v)) {
      throw new Error(`"${v}" is not a variable name; expected letters, digits and _, e.g. ${fallback}`);
    }
    return v;
  });
}

/** A list of ids of Dokploy services, each once. */
function ids(kind: TargetKind) {
  const each = list(true, (id) => {
    if (!APPLICATION_ID.test(id)) {
      throw new Error(
        `"${id}" is not ${kind === "application" ? "an application" : "a compose"} ID; expected letters, digits, _ and - (as in the ${kind}'s URL in Dokploy)`,
      );
    }
  });
  return (raw: string | undefined): string[] => {
    const items = each(raw);
    const twice = items.find((id, i) => items.indexOf(id) !== i);
    if (twice !== undefined) throw new Error(`names "${twice}" twice`);
    return items;
  };
}

const KEY_VALUE = /^[^=\s][^=]*=/;
const BUILD_ARG = /^[A-Za-z_][A-Za-z0-9_]*(=.*)?$/s;
const APPLICATION_ID = /^[A-Za-z0-9_-]{1,128}$/;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

export function parseDuration(v: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(v);
  if (!match) throw new Error(`"${v}" is not a duration; expected seconds (600) or 90s, 10m, 1h`);
  const unit = match[2] === "h" ? 3600 : match[2] === "m" ? 60 : 1;
  const seconds = Number(match[1]) * unit;
  if (seconds <= 0 || seconds > 6 * 3600) {
    throw new Error(`"${v}" is out of range; expected more than 0 and at most 6h`);
  }
  return seconds;
}

function parseApiKey(v: string): string {
  if (v === "") throw new Error("is required; expected a Dokploy API key");
  const bad = [...v].findIndex((c) => !/^[\x21-\x7e]$/.test(c));
  if (bad >= 0) {
    // The character itself is part of the secret: say where it is, not what it is.
    throw new Error(
      `character ${String(bad + 1)} cannot be sent in the x-api-key header (a space, a control character or a non-ASCII letter); expected the key as Dokploy shows it, printable ASCII only`,
    );
  }
  return v;
}

/** A URL as it may be shown: credentials in it masked. */
function withoutCredentials(text: string): string {
  return text.replace(/\/\/[^/@]*@/, "//***@");
}

/** The health URL without credentials, and the credentials (sent as Basic auth) if it had some. */
function parseHealthUrl(v: string): { url: string; credentials?: Credentials } | undefined {
  if (v === "") return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new Error(`"${withoutCredentials(v)}" is not a URL; expected http(s)://host/path`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`"${withoutCredentials(v)}" must start with https:// or http://`);
  if (!url.username && !url.password) return { url: v };
  const credentials = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = "";
  url.password = "";
  return { url: url.toString(), credentials };
}

/** A URL GitHub shows to everyone who can read the repository: http(s), no credentials. */
function parseEnvironmentUrl(v: string): string | undefined {
  if (v === "") return undefined;
  const safe = withoutCredentials(v);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new Error(`"${safe}" is not a URL; expected http(s)://host/path`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`"${safe}" must start with https:// or http://`);
  if (url.username || url.password)
    throw new Error(`"${safe}" must not contain credentials: GitHub shows it to readers`);
  return v;
}

function parseRequestTimeout(v: string): number {
  if (v === "") return 30;
  const seconds = parseDuration(v);
  if (seconds < 1) {
    throw new Error(
      `"${v}" is too short; expected at least 1 s (a Dokploy call takes tens of milliseconds on an idle server, seconds on a busy one)`,
    );
  }
  return seconds;
}

function parseDokployUrl(v: string): string {
  if (v === "") return "";
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new Error(`"${v}" is not a URL; expected http(s)://host[:port], e.g. https://dokploy.example.com`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`"${v}" must start with https:// or http://`);
  }
  if (!/^https?:\/\//i.test(v)) {
    throw new Error(`"${v}" is not a URL; expected http(s)://host[:port], e.g. https://dokploy.example.com`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new Error(`"${url.origin}..." must not contain credentials, a query or a fragment`);
  }
  const path = url.pathname.replace(/\/+$/, "").replace(/\/api$/, "");
  return `${url.origin}${path}`;
}

/**
 * One parser per input. Plain functions, not a validation library: that one loads with the
 * HTTP client while docker works (it checks Dokploy's answers), not on the way to the build.
 */
const parsers = {
  "dokploy-url": field(parseDokployUrl),
  // Needed to deploy only (checkDeployInputs).
  "dokploy-api-key": field((v) => (v === "" ? "" : parseApiKey(v))),
  "application-id": ids("application"),
  project: optionalText(),
  "dokploy-environment": field((v) => (v === "" ? "production" : v)),
  application: list(true),
  "compose-id": ids("compose"),
  compose: list(true),
  "image-variable": variableName("IMAGE"),
  "tag-variable": variableName("TAG"),
  image: field((v) => parseImageNameLowercasing(v)),
  tag: field((v) => {
    if (v !== "" && !isValidTag(v)) {
      throw new Error(`"${v}" is not a valid tag; expected up to 128 letters, digits, _ . - not starting with . or -`);
    }
    return v;
  }),
  "extra-tags": list(true, (t) => {
    if (!isValidTag(t)) throw new Error(`"${t}" is not a valid tag; expected up to 128 letters, digits, _ . -`);
  }),
  context: field((v) => (v === "" ? "." : v)),
  file: optionalText(),
  target: optionalText(),
  "build-args": list(false, (a) => {
    if (!BUILD_ARG.test(a))
      throw new Error(`"${a.split("=")[0] ?? a}" is not a valid build argument; expected KEY=VALUE`);
  }),
  labels: list(false, (l) => {
    if (!KEY_VALUE.test(l)) throw new Error(`"${l}" is not a label; expected KEY=VALUE`);
  }),
  "build-secrets": field((v) => splitList(v, false).map((entry, i) => parseBuildSecret(entry, i + 1))),
  platforms: list(true, (p) => {
    if (!PLATFORM.test(p)) throw new Error(`"${p}" is not a platform; expected os/arch[/variant], e.g. linux/amd64`);
  }),
  "cache-from": list(false),
  "cache-to": list(false),
  cache: choice(CACHE_MODES, "auto"),
  provenance: optionalText(),
  sbom: optionalText(),
  network: optionalText(),
  builder: choice(BUILDERS, "auto"),
  build: boolean(true),
  push: boolean(true),
  deploy: boolean(true),
  registry: optionalText(),
  "registry-username": optionalText(),
  "registry-password": optionalText(),
  "pull-username": optionalText(),
  "pull-password": optionalText(),
  "dokploy-registry": boolean(false),
  "dokploy-registry-name": optionalText(),
  "image-prefix": optionalText(),
  "server-id": optionalText(),
  "deploy-method": choice(DEPLOY_METHODS, "redeploy"),
  "switch-source": boolean(false),
  "deploy-title": optionalText(),
  "deploy-description": optionalText(),
  wait: boolean(true),
  "wait-timeout": field((v) => (v === "" ? 600 : parseDuration(v))),
  "verify-pull": boolean(true),
  "pin-digest": boolean(false),
  "health-url": field(parseHealthUrl),
  "health-status": field((v) => parseStatuses(v === "" ? "2xx" : v)),
  "health-contains": optionalText(),
  "health-timeout": field((v) => (v === "" ? 120 : parseDuration(v))),
  "health-interval": field((v) => (v === "" ? 3 : parseDuration(v))),
  "rollback-on-failure": boolean(false),
  "rollback-targets": choice(ROLLBACK_TARGETS, "all"),
  "verify-running": boolean(true),
  "verify-timeout": field((v) => (v === "" ? 60 : parseDuration(v))),
  "fail-on-superseded": boolean(false),
  retries: field((v) => {
    if (v === "") return 4;
    if (!/^\d+$/.test(v) || Number(v) > 20)
      throw new Error(`"${v}" is not a retry count; expected a whole number from 0 to 20`);
    return Number(v);
  }),
  "retry-max-time": field((v) => (v === "" ? 60 : parseDuration(v))),
  "request-timeout": field(parseRequestTimeout),
  "dry-run": boolean(false),
  "dokploy-api": choice(TRANSPORTS, "trpc"),
  "github-deployment": boolean(false),
  "github-token": optionalText(),
  environment: field((v) => (v === "" ? "production" : v)),
  "environment-url": field(parseEnvironmentUrl),
  "pr-comment": maybeBoolean(),
} satisfies Record<InputName, (raw: string | undefined) => unknown>;

type Parsed = { -readonly [K in InputName]: ReturnType<(typeof parsers)[K]> };

interface Problem {
  input: string;
  message: string;
}

function pair(
  problems: Problem[],
  userName: InputName,
  user: string | undefined,
  passName: InputName,
  pass: string | undefined,
): Credentials | undefined {
  if (user && pass) return { username: user, password: pass };
  if (user && !pass) problems.push({ input: passName, message: `is required when ${userName} is set` });
  if (pass && !user) problems.push({ input: userName, message: `is required when ${passName} is set` });
  return undefined;
}

function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

function defaultDescription(ci: CiContext, tag: string): string {
  const lines: string[] = [];
  const subject = ci.commitMessage?.split("\n")[0]?.trim();
  if (ci.sha) lines.push(`Commit ${ci.sha}${subject ? `: ${subject}` : ""}`);
  else lines.push(`Tag ${tag}`);
  if (ci.runUrl) lines.push(`Run: ${ci.runUrl}`);
  return lines.join("\n").slice(0, 1000);
}

/** Whether a boolean input is false as typed (a typo is reported by its parser). */
function isFalse(raw: RawInputs, name: InputName): boolean {
  return (raw[name] ?? "").trim().toLowerCase() === "false";
}

function isEmpty(raw: RawInputs, name: InputName): boolean {
  return (raw[name] ?? "").trim() === "";
}

const TARGET_INPUTS = ["application-id", "application", "compose-id", "compose"] as const;

/** At least one target, by id or by name (names need the project). */
function checkTargetInputs(raw: RawInputs, problems: Problem[]): void {
  const given = TARGET_INPUTS.filter((name) => !isEmpty(raw, name));
  if (given.length === 0) {
    problems.push({
      input: "application-id",
      message:
        "is required; expected the ID of a Dokploy application (or compose-id for a compose service, or a name in application or compose, with project)",
    });
  }
  const named = given.find((name) => name === "application" || name === "compose");
  if (named && isEmpty(raw, "project")) {
    problems.push({ input: "project", message: `is required to find the ${named} by name; expected a project name` });
  }
}

/**
 * What deploying needs, and what building without deploying rules out; read from the raw
 * inputs, so these are named along with the problems the parsers find.
 */
function checkDeployInputs(raw: RawInputs, problems: Problem[]): void {
  if (isFalse(raw, "deploy")) {
    if (isFalse(raw, "build") && isFalse(raw, "push")) {
      problems.push({ input: "deploy", message: "is false, and so are build and push: nothing to do" });
    }
    return;
  }
  if (isEmpty(raw, "dokploy-url")) {
    problems.push({
      input: "dokploy-url",
      message: "is required; expected the URL of your Dokploy server, e.g. https://dokploy.example.com",
    });
  }
  if (isEmpty(raw, "dokploy-api-key")) {
    problems.push({ input: "dokploy-api-key", message: "is required; expected a Dokploy API key" });
  }
  checkTargetInputs(raw, problems);
  if (isFalse(raw, "push")) {
    problems.push({
      input: "push",
      message: "is false, but Dokploy can only deploy a pushed image; set deploy: false to build without deploying",
    });
  }
}

/** Every target, in this order: applications by id, by name, then compose services by id, by name. */
function targetsOf(p: Parsed): TargetSpec[] {
  return [
    ...p["application-id"].map((id): TargetSpec => ({ kind: "application", id })),
    ...p.application.map((name): TargetSpec => ({ kind: "application", name })),
    ...p["compose-id"].map((id): TargetSpec => ({ kind: "compose", id })),
    ...p.compose.map((name): TargetSpec => ({ kind: "compose", name })),
  ];
}

function healthCheckOf(p: Parsed): HealthCheck | undefined {
  const target = p["health-url"];
  if (!target) return undefined;
  return {
    url: target.url,
    credentials: target.credentials,
    statuses: p["health-status"],
    contains: p["health-contains"],
    timeoutMs: p["health-timeout"] * 1000,
    intervalMs: p["health-interval"] * 1000,
  };
}

function spacedSecrets(raw: RawInputs): InputName[] {
  const names: InputName[] = ["registry-password", "pull-password"];
  return names.filter((name) => {
    const value = (raw[name] ?? "").replace(/^[\r\n]+|[\r\n]+$/g, "");
    return value.trim() !== "" && value !== value.trim();
  });
}

function interpret(p: Parsed, ci: CiContext, problems: Problem[]): Omit<Config, "spacedSecrets"> | undefined {
  const tag = p.tag !== "" ? p.tag : ci.sha;
  if (tag === "") {
    problems.push({
      input: "tag",
      message: "is required: no commit SHA was found in the CI context; set tag explicitly",
    });
  } else if (!isValidTag(tag)) {
    problems.push({ input: "tag", message: `"${tag}" (from the commit SHA) is not a valid tag` });
  }
  const registry = p.registry !== undefined ? normalizeRegistryHost(p.registry) : p.image.registry;
  if (registry !== p.image.registry) {
    problems.push({
      input: "registry",
      message: `"${p.registry ?? ""}" is not the registry of image "${p.image.name}" (${p.image.registry}); the push would not be authorised. Leave registry empty or make it match the image`,
    });
  }
  const push = pair(problems, "registry-username", p["registry-username"], "registry-password", p["registry-password"]);
  // A build that neither pushes nor deploys pulls nothing: its pull credentials are not used, and
  // may be half there (a pull request from a fork gets no secrets).
  const pulls = p.push || p.deploy;
  const pullGiven = pulls
    ? pair(problems, "pull-username", p["pull-username"], "pull-password", p["pull-password"])
    : undefined;
  const pull = pulls ? (pullGiven ?? (p["pull-username"] || p["pull-password"] ? undefined : push)) : undefined;
  if (p.deploy && p["dokploy-registry"] && !pull) {
    problems.push({
      input: "dokploy-registry",
      message:
        "is true but there are no credentials to store; set pull-username/pull-password or registry-username/registry-password",
    });
  }
  if (p["health-url"] && !p.wait) {
    problems.push({ input: "health-url", message: "needs wait: true (the check runs once the deployment is done)" });
  }
  if (p["pin-digest"] && !p.build && !p["verify-pull"]) {
    problems.push({
      input: "pin-digest",
      message: "needs the digest: with build: false it comes from the pull check, so keep verify-pull: true",
    });
  }
  if (p["image-variable"] === p["tag-variable"]) {
    problems.push({
      input: "tag-variable",
      message: `is the same as image-variable (${p["tag-variable"]}); they hold different values`,
    });
  }
  for (const asked of ["github-deployment", "pr-comment"] as const) {
    if (p[asked] && !p["github-token"]) {
      problems.push({ input: "github-token", message: `is required when ${asked} is true` });
    }
  }
  if (problems.length > 0) return undefined;
  const registryName = p["dokploy-registry-name"] ?? (p.image.isDockerHub ? "Docker Hub" : registry);
  return {
    dokployUrl: p["dokploy-url"],
    apiKey: p["dokploy-api-key"],
    targets: targetsOf(p),
    names: p.project !== undefined ? { project: p.project, environment: p["dokploy-environment"] } : undefined,
    imageVariable: p["image-variable"],
    tagVariable: p["tag-variable"],
    image: p.image,
    tag,
    extraTags: [...new Set(p["extra-tags"])].filter((t) => t !== tag),
    build: p.build,
    pushImage: p.push,
    deploy: p.deploy,
    context: p.context,
    file: p.file,
    target: p.target,
    buildArgs: p["build-args"],
    labels: p.labels,
    buildSecrets: p["build-secrets"],
    platforms: p.platforms,
    cacheFrom: p["cache-from"],
    cacheTo: p["cache-to"],
    cache: p.cache,
    provenance: p.provenance,
    sbom: p.sbom,
    network: p.network,
    builder: p.builder,
    registry,
    push,
    pull,
    dokployRegistry: p["dokploy-registry"],
    dokployRegistryName: registryName,
    dokployRegistryNameGiven: p["dokploy-registry-name"] !== undefined,
    imagePrefix: p["image-prefix"] ?? null,
    serverId: p["server-id"],
    deployMethod: p["deploy-method"],
    switchSource: p["switch-source"],
    deployTitle: p["deploy-title"] ?? `Deploy ${ci.sha ? shortSha(ci.sha) : tag}`,
    deployDescription: p["deploy-description"] ?? defaultDescription(ci, tag),
    wait: p.wait,
    waitTimeoutSeconds: p["wait-timeout"],
    verifyPull: p["verify-pull"],
    pinDigest: p["pin-digest"],
    health: healthCheckOf(p),
    rollbackOnFailure: p["rollback-on-failure"],
    rollbackTargets: p["rollback-targets"],
    verifyRunning: p["verify-running"],
    verifyTimeoutSeconds: p["verify-timeout"],
    failOnSuperseded: p["fail-on-superseded"],
    retries: p.retries,
    retryMaxTimeSeconds: p["retry-max-time"],
    requestTimeoutSeconds: p["request-timeout"],
    dryRun: p["dry-run"],
    transport: p["dokploy-api"],
    ci,
    notices: p.image.lowercasedFrom
      ? [
          `Image "${p.image.lowercasedFrom}" is used as "${p.image.name}": registries take lowercase repository names only.`,
        ]
      : [],
    github: {
      deployment: p["github-deployment"],
      token: p["github-token"],
      environment: p.environment,
      environmentUrl: p["environment-url"],
      prComment: p["pr-comment"],
    },
  };
}

/**
 * Line breaks in one-line inputs: printed, they would start new lines of the log (where a
 * line can be a CI command); sent, they would reach Dokploy's titles or the health URL.
 */
function lineBreaks(raw: RawInputs): Problem[] {
  const problems: Problem[] = [];
  for (const input of INPUTS as readonly InputSpec[]) {
    if (input.multiline || !/[\r\n]/.test((raw[input.name as InputName] ?? "").trim())) continue;
    const hint =
      input.name === "deploy-title" ? " (give it the first line only; deploy-description takes several)" : "";
    problems.push({ input: input.name, message: `must be a single line, but it holds a line break${hint}` });
  }
  return problems;
}

/**
 * Reads the raw inputs (as typed by the user, keyed by input name) and the CI context into a
 * Config. Throws one ConfigError naming every bad input; the first one is its `input`.
 */
export function parseConfig(raw: RawInputs, ci: CiContext): Config {
  const problems = lineBreaks(raw);
  checkDeployInputs(raw, problems);
  const parsed: Partial<Record<InputName, unknown>> = {};
  for (const [input, parse] of Object.entries(parsers) as [InputName, (raw: string | undefined) => unknown][]) {
    try {
      parsed[input] = parse(raw[input]);
    } catch (error) {
      if (!problems.some((p) => p.input === input)) problems.push({ input, message: errorMessage(error) });
    }
  }
  if (problems.length === 0) {
    const config = interpret(parsed as Parsed, ci, problems);
    if (config) return { ...config, spacedSecrets: spacedSecrets(raw) };
  }
  const [first] = problems;
  if (!first) throw new Error("unreachable: parseConfig found no problem and no config");
  const error = new ConfigError(first.input, first.message);
  if (problems.length > 1) {
    error.message = problems.map((p) => `Input "${p.input}": ${p.message}`).join("\n");
  }
  throw error;
}
