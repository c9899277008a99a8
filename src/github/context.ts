import { readFile } from "node:fs/promises";
import type { CiContext } from "../config/config";
import { forgeOf } from "./forge";

type Env = Readonly<Record<string, string | undefined>>;

interface EventPayload {
  readonly action?: unknown;
  readonly head_commit?: { message?: unknown } | null;
  readonly pull_request?: { number?: unknown; head?: { repo?: { full_name?: unknown } | null } | null } | null;
  readonly repository?: { full_name?: unknown } | null;
}

/** The event payload the runner wrote; empty when there is none or it does not parse. */
async function eventPayload(eventPath: string | undefined): Promise<EventPayload> {
  if (!eventPath) return {};
  try {
    const payload = JSON.parse(await readFile(eventPath, "utf8")) as unknown;
    return typeof payload === "object" && payload !== null ? (payload as EventPayload) : {};
  } catch {
    return {};
  }
}

/** The commit message of a push event. */
function headCommitMessage(payload: EventPayload): string | undefined {
  const message = payload.head_commit?.message;
  return typeof message === "string" ? message : undefined;
}

/**
 * The fork a pull request comes from: its head repository when that is not the base repository.
 * A fork deleted since has no head repository left; its runs still get no secrets.
 */
function forkOf(payload: EventPayload): string | undefined {
  const head = payload.pull_request?.head;
  const base = payload.repository?.full_name;
  if (!head || typeof base !== "string") return undefined;
  const name = head.repo?.full_name;
  if (typeof name !== "string") return "a deleted fork";
  return name.toLowerCase() === base.toLowerCase() ? undefined : name;
}

/** The pull request of a pull_request event, whether the event closes it, and the fork it comes from. */
function pullRequestOf(payload: EventPayload): CiContext["pullRequest"] {
  const number = payload.pull_request?.number;
  if (typeof number !== "number") return undefined;
  const fromFork = forkOf(payload);
  return { number: String(number), closed: payload.action === "closed", ...(fromFork ? { fromFork } : {}) };
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
  const payload = await eventPayload(env.GITHUB_EVENT_PATH);
  return {
    sha: env.GITHUB_SHA ?? "",
    repository,
    repositoryUrl: base,
    runUrl: runUrlOf(env, base),
    commitMessage: headCommitMessage(payload),
    pullRequest: pullRequestOf(payload),
    // The runner gives these to actions only; buildx reads them itself (the token never goes into argv).
    actionsCache: Boolean(env.ACTIONS_RUNTIME_TOKEN && (env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL)),
  };
}
