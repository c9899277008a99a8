/**
 * THE input table, and the outputs: data only. action.yml, the GitLab component, pipe.yml, the
 * docs' tables (`npm run gen`) and the parsers (input-parsers.ts) all follow it.
 */

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
// off, not false: the GitLab component would read false as a boolean, which a string input refuses.
export const PREVIEW_MODES = ["off", "auto", "open", "close", "prune"] as const;
export const PREVIEW_TEMPLATES = ["target", "environment"] as const;
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
    description:
      "Dokploy remote server where Dokploy logs in with the registry entry when it creates or updates it (dokploy-registry only), e.g. the server a compose pulls on. Not needed to deploy: applications and compose name their server.",
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
    name: "verify-stable",
    default: "0",
    type: "duration",
    description:
      "Once Docker Swarm runs our image, watch its service this long; red (deployment-status unstable, rolled back with rollback-on-failure) when a task stops or is restarted, the service leaves our image or swarm rolls it back. Needs wait and verify-running; at most verify-timeout. 0 (the default) does not watch: a window adds its length and a look at Dokploy every 3 s to every green run, and swarm's update monitor (5 s in Dokploy's default update config, failure action rollback) already catches a process that exits at once. Else how long to watch, in seconds.",
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
    name: "verify-pull-on-server",
    default: "true",
    type: "boolean",
    description:
      "With verify-pull and pull credentials, also have Dokploy log in to the registry from each machine that will pull (the Dokploy host, or the target's server: registry.testRegistry), once per machine, before anything changes in Dokploy; a registry only the runner reaches fails here, not in the deployment. That docker login stays on the machine, as after Dokploy's own deploy. Skipped with a line where Dokploy or the key cannot run it.",
  },
  {
    name: "verify-platform",
    default: "true",
    type: "boolean",
    description:
      "Before changing anything in Dokploy, check that the image has a platform the swarm nodes of each target's machine run (Dokploy's cluster.getNodes against the platforms of the pushed manifest): an image built for linux/amd64 cannot start on linux/arm64 nodes (exec format error). Refuses naming both, and the platforms to build for. Skipped with a line where Dokploy or the key cannot list the nodes. Set to false for nodes that run other platforms through emulation (binfmt/QEMU).",
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
      "After the deployment is done, GET this URL until it answers health-status; the step fails if it does not. Credentials in it (https://user:pass@host/...) are sent as Basic auth. With a preview, {number} is the pull request's number, e.g. https://pr-{number}.preview.example.com/health.",
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
    name: "diagnostics-lines",
    default: "50",
    type: "number",
    description:
      "On a red deploy, the last lines each failed container printed (read through Dokploy, its environment's values masked), shown in the log and the summary with swarm's tasks; 0 turns this off.",
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
    description:
      "GitHub environment the deployment is recorded in (github-deployment), e.g. staging. With a preview it defaults to preview/<preview-name> (preview/pr-{number}); {number} is the pull request's number.",
  },
  {
    name: "environment-url",
    defaultText: "the (first) target's page in Dokploy",
    githubOnly: true,
    description:
      "URL GitHub shows for the environment and the deployment, e.g. the app's domain. With a preview it defaults to the preview's address; {number} is the pull request's number.",
  },
  {
    name: "pr-comment",
    defaultText: "true on pull_request events",
    githubOnly: true,
    description:
      "Comment on the pull request with the image, digest, target, status and links: one comment per set of targets (per image with deploy: false) and environment, updated on re-runs.",
  },
  {
    name: "preview",
    default: "off",
    options: PREVIEW_MODES,
    description:
      "Preview environments per pull request: open (make or update this pull request's preview, a copy of the target application or compose service in a Dokploy environment of its own in the same project, and deploy the image there), close (remove this pull request's preview), prune (remove previews older than preview-ttl), auto (close when the pull or merge request is closed, GitLab's stop job too, open otherwise), or off. Only what carries the step's marker is ever removed.",
  },
  {
    name: "preview-number",
    defaultText: "the pull or merge request of the CI context",
    pattern: "^[0-9]*$",
    description:
      "Number of the pull request the preview is for; by default the event's pull request (GitHub), CI_MERGE_REQUEST_IID (GitLab), BITBUCKET_PR_ID, CI_COMMIT_PULL_REQUEST (Woodpecker) or DRONE_PULL_REQUEST.",
  },
  {
    name: "preview-name",
    default: "pr-{number}",
    description:
      "Name of the preview's Dokploy environment, also the end of its services' and volumes' names; {number} is the pull request's number. Lowercase letters, digits and -, at most 20 characters.",
  },
  {
    name: "preview-template",
    default: "target",
    options: PREVIEW_TEMPLATES,
    description:
      "What a preview copies: target (the target application or compose service alone) or environment (an application's preview only: also every database of the target's Dokploy environment: postgres, mysql, mariadb, mongo and redis, each with a password of its own, empty, its image kept; the application's variables that name a database's host or password are rewritten to the preview's).",
  },
  {
    name: "preview-host",
    default: "",
    description:
      "Host of the preview's domain, {number} being the pull request's number, e.g. pr-{number}.preview.example.com (a wildcard DNS record points them at Dokploy). Empty: Dokploy makes one (domain.generateDomain). Never a host of the template.",
  },
  {
    name: "preview-env",
    default: "",
    multiline: true,
    description:
      "Variables the preview's application or compose service gets over the template's, KEY=VALUE, one per line; their values are masked in the log.",
  },
  {
    name: "preview-ttl",
    default: "7d",
    description:
      "With preview: prune, how long after its last deploy a preview is removed: seconds, or with a unit (90m, 12h, 7d).",
  },
  {
    name: "preview-limit",
    default: "10",
    type: "number",
    description:
      "Most previews of the template at once: a new one beyond it is refused before anything is created. 0: no limit.",
  },
] as const satisfies readonly InputSpec[];

/** Inputs every front end has: the CLI, the GitLab component and the pipe read these. */
export const PORTABLE_INPUTS = (INPUTS as readonly InputSpec[]).filter((input) => !input.githubOnly);

export type InputName = (typeof INPUTS)[number]["name"];

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
      "How it ended: done (our image runs), superseded (a later run's image was deployed over ours), not-running (Dokploy said done but our image does not run), unstable (our image ran, then a task of it stopped or was restarted within verify-stable), error, cancelled, timeout, unknown (a status this version does not know), or queued when not waiting.",
  },
  { name: "application-url", description: "Link to the application in the Dokploy dashboard." },
  {
    name: "targets",
    description:
      'Every target as JSON, in the order given: [{"kind":"application","id":…,"name":…,"url":…,"deployment-id":…,"deployment-status":…}]. The single-value outputs above are the first target\'s.',
  },
  {
    name: "preview-url",
    description: "With preview: open, the preview's address (https:// or http:// and its host).",
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
