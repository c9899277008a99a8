import { readFile } from "node:fs/promises";
import type { CiContext } from "../config/config";
import { forgeOf } from "./forge";

type Env = Readonly<Record<string, string | undefined>>;

/** The commit message of a push event, from the event payload the runner wrote. */
async function headCommitMessage(eventPath: string | undefined): Promise<string | undefined> {
  if (!eventPath) return undefined;
  try {
    const payload = JSON.parse(await readFile(eventPath, "utf8")) as { head_commit?: { message?: unknown } | null };
    const message = payload.head_commit?.message;
    return typeof message === "string" ? message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The run's page: GitHub's is at the run's id. Forgejo's and Gitea's are at the run's number in
 * the repository (GITHUB_RUN_ID is their instance-wide id, which no page is at).
 */
function runUrlOf(env: Env, base: string | undefined): string | undefined {
  const run = forgeOf(env) === "github" ? env.GITHUB_RUN_ID : env.GITHUB_RUN_NUMBER;
  return base && run ? `${base}/actions/runs/${run}` : undefined;
}

/**
 * The commit being deployed, from the runner's GITHUB_* variables and event payload: the same
 * values @actions/github's context holds, without loading an API client the action never uses.
 */
export async function ciContextFromGithub(env: Env): Promise<CiContext> {
  // On Forgejo and Gitea it may end in a slash (the instance's ROOT_URL, or the runner's address).
  const server = (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, "");
  const repository = env.GITHUB_REPOSITORY || undefined;
  const base = repository ? `${server}/${repository}` : undefined;
  return {
    sha: env.GITHUB_SHA ?? "",
    repository,
    repositoryUrl: base,
    runUrl: runUrlOf(env, base),
    commitMessage: await headCommitMessage(env.GITHUB_EVENT_PATH),
    // The runner gives these to actions only; buildx reads them itself (the token never goes into argv).
    actionsCache: Boolean(env.ACTIONS_RUNTIME_TOKEN && (env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL)),
  };
}
