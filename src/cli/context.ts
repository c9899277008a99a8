import type { CiContext, RawInputs } from "../config/config";
import type { Exec } from "../shared/exec";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * One CI system: how to recognise it, read the commit from it, and what defaults it offers. This
 * file is where the CLI reads the variables a CI sets; every other variable it reads is a setting,
 * in the pipe's variables table (a docs test holds both to that).
 */
export interface CiProvider {
  readonly name: "gitlab" | "bitbucket" | "woodpecker" | "drone" | "github" | "local";
  /** Runs the image as a plugin: its settings arrive as PLUGIN_<NAME>, and errors name them as written (image). */
  readonly plugin?: boolean;
  detect(env: Env): boolean;
  context(env: Env, exec: Exec): Promise<CiContext>;
  /** Input defaults the CI offers (its own registry, say). */
  defaults(env: Env): RawInputs;
}

function set(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/**
 * The pull request a variable names, when it is set; `closed` when the CI says it is being closed,
 * and the fork it comes from when the CI says so.
 */
function pullRequestOf(number: string | undefined, closed = false, fromFork?: string): CiContext["pullRequest"] {
  const given = set(number);
  return given === undefined ? undefined : { number: given, closed, ...(fromFork ? { fromFork } : {}) };
}

/** A merge request's source project when it is not the project the merge request is for: a fork. */
function gitlabForkOf(env: Env): string | undefined {
  const source = set(env.CI_MERGE_REQUEST_SOURCE_PROJECT_PATH);
  const target = set(env.CI_MERGE_REQUEST_PROJECT_PATH);
  return source && target && source.toLowerCase() !== target.toLowerCase() ? source : undefined;
}

export const gitlab: CiProvider = {
  name: "gitlab",
  // GitLab sets GITLAB_CI=true; its local emulator sets it too, to false, with the other CI_* variables.
  detect: (env) => set(env.GITLAB_CI) !== undefined && set(env.CI_COMMIT_SHA) !== undefined,
  context: (env) =>
    Promise.resolve({
      sha: env.CI_COMMIT_SHA ?? "",
      repository: set(env.CI_PROJECT_PATH),
      repositoryUrl: set(env.CI_PROJECT_URL),
      runUrl: set(env.CI_JOB_URL) ?? set(env.CI_PIPELINE_URL),
      commitMessage: set(env.CI_COMMIT_MESSAGE),
      // The environment's stop job (on_stop) runs with CI_ENVIRONMENT_ACTION=stop.
      pullRequest: pullRequestOf(env.CI_MERGE_REQUEST_IID, env.CI_ENVIRONMENT_ACTION === "stop", gitlabForkOf(env)),
    }),
  defaults: (env) => ({
    image: set(env.CI_REGISTRY_IMAGE),
    "registry-username": set(env.CI_REGISTRY_USER),
    "registry-password": set(env.CI_REGISTRY_PASSWORD),
    // The job token behind CI_REGISTRY_PASSWORD dies with the job; a deploy token named
    // gitlab-deploy-token lasts, and GitLab exposes it as CI_DEPLOY_USER/CI_DEPLOY_PASSWORD.
    "pull-username": set(env.CI_DEPLOY_USER),
    "pull-password": set(env.CI_DEPLOY_PASSWORD),
  }),
};

export const bitbucket: CiProvider = {
  name: "bitbucket",
  detect: (env) => set(env.BITBUCKET_BUILD_NUMBER) !== undefined || set(env.BITBUCKET_COMMIT) !== undefined,
  context: (env) => {
    const origin = set(env.BITBUCKET_GIT_HTTP_ORIGIN)?.replace(/^http:/, "https:");
    return Promise.resolve({
      sha: env.BITBUCKET_COMMIT ?? "",
      repository: set(env.BITBUCKET_REPO_FULL_NAME),
      repositoryUrl: origin,
      runUrl:
        origin && env.BITBUCKET_BUILD_NUMBER ? `${origin}/pipelines/results/${env.BITBUCKET_BUILD_NUMBER}` : undefined,
      pullRequest: pullRequestOf(env.BITBUCKET_PR_ID),
    });
  },
  defaults: () => ({}),
};

/** Woodpecker CI: CI=woodpecker, and its CI_* variables (https://woodpecker-ci.org/docs/usage/environment). */
export const woodpecker: CiProvider = {
  name: "woodpecker",
  plugin: true,
  detect: (env) => env.CI === "woodpecker",
  context: (env) =>
    Promise.resolve({
      sha: env.CI_COMMIT_SHA ?? "",
      repository: set(env.CI_REPO),
      repositoryUrl: set(env.CI_REPO_URL),
      runUrl: set(env.CI_STEP_URL) ?? set(env.CI_PIPELINE_URL),
      commitMessage: set(env.CI_COMMIT_MESSAGE),
      pullRequest: pullRequestOf(env.CI_COMMIT_PULL_REQUEST),
    }),
  defaults: () => ({}),
};

/** Drone: DRONE=true, and its DRONE_* variables (https://docs.drone.io/pipeline/environment/reference/). */
export const drone: CiProvider = {
  name: "drone",
  plugin: true,
  detect: (env) => env.DRONE === "true",
  context: (env) =>
    Promise.resolve({
      sha: set(env.DRONE_COMMIT_SHA) ?? env.DRONE_COMMIT ?? "",
      repository: set(env.DRONE_REPO),
      repositoryUrl: set(env.DRONE_REPO_LINK),
      runUrl: set(env.DRONE_BUILD_LINK),
      commitMessage: set(env.DRONE_COMMIT_MESSAGE),
      pullRequest: pullRequestOf(env.DRONE_PULL_REQUEST),
    }),
  defaults: () => ({}),
};

export const github: CiProvider = {
  name: "github",
  detect: (env) => env.GITHUB_ACTIONS === "true",
  context: (env) => {
    const server = env.GITHUB_SERVER_URL ?? "https://github.com";
    const repository = set(env.GITHUB_REPOSITORY);
    const base = repository ? `${server}/${repository}` : undefined;
    return Promise.resolve({
      sha: env.GITHUB_SHA ?? "",
      repository,
      repositoryUrl: base,
      runUrl: base && env.GITHUB_RUN_ID ? `${base}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    });
  },
  defaults: () => ({}),
};

async function git(exec: Exec, args: string[]): Promise<string | undefined> {
  const result = await exec("git", args);
  return result.exitCode === 0 ? set(result.stdout.trim()) : undefined;
}

/** A web URL for a git remote (https or scp-like ssh); other forms are kept as they are. */
export function webUrlOfRemote(remote: string): string {
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(\.git)?$/.exec(remote);
  if (scp) return `https://${scp[1] ?? ""}/${scp[2] ?? ""}`;
  return remote.replace(/^(https?:\/\/)[^@/]+@/, "$1").replace(/\.git$/, "");
}

/** A plain shell, e.g. a laptop: the commit from git in the working directory. */
export const local: CiProvider = {
  name: "local",
  detect: () => true,
  context: async (_env, exec) => {
    const remote = await git(exec, ["remote", "get-url", "origin"]);
    return {
      sha: (await git(exec, ["rev-parse", "HEAD"])) ?? "",
      repositoryUrl: remote ? webUrlOfRemote(remote) : undefined,
      commitMessage: await git(exec, ["log", "-1", "--format=%B"]),
    };
  },
  defaults: () => ({}),
};

// Woodpecker before Drone: Woodpecker began as a fork of Drone, and its early versions set DRONE_* too.
export const PROVIDERS: readonly CiProvider[] = [gitlab, bitbucket, woodpecker, drone, github, local];

/** The CI's own switch for verbose logs (GitLab's CI_DEBUG_TRACE). */
export function ciDebug(env: Env): boolean {
  return env.CI_DEBUG_TRACE === "true";
}

/** Where the CI wants temporary files: the runner's temp dir, the pipe's storage dir. */
export function ciTempRoot(env: Env): string | undefined {
  return env.RUNNER_TEMP ?? env.BITBUCKET_PIPE_STORAGE_DIR;
}

export function detectCi(env: Env): CiProvider {
  return PROVIDERS.find((p) => p.detect(env)) ?? local;
}
