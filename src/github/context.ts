import type { CiContext } from "../core/config";

interface GithubContextLike {
  readonly sha: string;
  readonly serverUrl: string;
  readonly runId: number;
  readonly payload: Readonly<Record<string, unknown>>;
}

function headCommitMessage(payload: Readonly<Record<string, unknown>>): string | undefined {
  const head = payload.head_commit;
  if (typeof head !== "object" || head === null) return undefined;
  const message = (head as Record<string, unknown>).message;
  return typeof message === "string" ? message : undefined;
}

/** The commit being deployed, from the runner's context (GITHUB_* variables and the event). */
export function ciContextFromGithub(context: GithubContextLike, repository: string | undefined): CiContext {
  const base = repository ? `${context.serverUrl}/${repository}` : undefined;
  return {
    sha: context.sha,
    repository,
    repositoryUrl: base,
    runUrl: base && context.runId ? `${base}/actions/runs/${String(context.runId)}` : undefined,
    commitMessage: headCommitMessage(context.payload),
  };
}
