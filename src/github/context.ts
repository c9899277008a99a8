import { readFile } from "node:fs/promises";
import type { CiContext } from "../config/config";

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
 * The commit being deployed, from the runner's GITHUB_* variables and event payload: the same
 * values @actions/github's context holds, without loading an API client the action never uses.
 */
export async function ciContextFromGithub(env: Env): Promise<CiContext> {
  const server = env.GITHUB_SERVER_URL ?? "https://github.com";
  const repository = env.GITHUB_REPOSITORY || undefined;
  const base = repository ? `${server}/${repository}` : undefined;
  return {
    sha: env.GITHUB_SHA ?? "",
    repository,
    repositoryUrl: base,
    runUrl: base && env.GITHUB_RUN_ID ? `${base}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    commitMessage: await headCommitMessage(env.GITHUB_EVENT_PATH),
    // The runner gives these to actions only; buildx reads them itself (the token never goes into argv).
    actionsCache: Boolean(env.ACTIONS_RUNTIME_TOKEN && (env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL)),
  };
}
