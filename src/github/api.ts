/** The few GitHub REST calls the step makes, behind a port; Octokit loads only when one is made. */
import { errorMessage } from "../shared/errors";
import type { Logger } from "../shared/log";

export type DeploymentState = "queued" | "in_progress" | "success" | "failure" | "error" | "inactive";

export interface Repo {
  readonly owner: string;
  readonly repo: string;
}

export interface NewDeployment {
  readonly ref: string;
  readonly environment: string;
  readonly description: string;
}

export interface DeploymentStatus {
  readonly state: DeploymentState;
  readonly description: string;
  readonly environmentUrl?: string;
  readonly logUrl?: string;
}

export interface Comment {
  readonly id: number;
  readonly body: string;
}

export interface GithubApi {
  /** POST /repos/{owner}/{repo}/deployments; returns its id. */
  createDeployment(deployment: NewDeployment): Promise<number>;
  /** POST /repos/{owner}/{repo}/deployments/{id}/statuses */
  setDeploymentStatus(id: number, status: DeploymentStatus): Promise<void>;
  /** GET /repos/{owner}/{repo}/issues/{number}/comments, page by page, until `wanted` matches. */
  findComment(issue: number, wanted: (body: string) => boolean): Promise<Comment | undefined>;
  /** POST /repos/{owner}/{repo}/issues/{number}/comments */
  createComment(issue: number, body: string): Promise<void>;
  /** PATCH /repos/{owner}/{repo}/issues/comments/{id} */
  updateComment(id: number, body: string): Promise<void>;
  /** GET /repos/{owner}/{repo}/commits/{sha}/pulls: the open pull requests of a commit. */
  openPullRequestsOf(sha: string): Promise<number[]>;
}

/**
 * The API over Octokit, at GITHUB_API_URL (GitHub Enterprise Server too), through the runner's
 * proxy settings. Each request gives up after `timeoutMs`.
 */
export async function octokitApi(token: string, repo: Repo, timeoutMs: number): Promise<GithubApi> {
  const { getOctokit } = await import("@actions/github");
  const octokit = getOctokit(token);
  const request = () => ({ signal: AbortSignal.timeout(timeoutMs) });
  return {
    async createDeployment(deployment) {
      const { data } = await octokit.rest.repos.createDeployment({
        ...repo,
        ref: deployment.ref,
        environment: deployment.environment,
        description: deployment.description,
        auto_merge: false,
        required_contexts: [],
        request: request(),
      });
      if (!("id" in data)) throw new Error(`GitHub did not create the deployment: ${data.message ?? "no id"}`);
      return data.id;
    },
    async setDeploymentStatus(id, status) {
      await octokit.rest.repos.createDeploymentStatus({
        ...repo,
        deployment_id: id,
        state: status.state,
        description: status.description,
        environment_url: status.environmentUrl,
        log_url: status.logUrl,
        request: request(),
      });
    },
    async findComment(issue, wanted) {
      const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
        ...repo,
        issue_number: issue,
        per_page: 100,
        request: request(),
      });
      for await (const { data } of pages) {
        const found = data.find((comment) => wanted(comment.body ?? ""));
        if (found) return { id: found.id, body: found.body ?? "" };
      }
      return undefined;
    },
    async createComment(issue, body) {
      await octokit.rest.issues.createComment({ ...repo, issue_number: issue, body, request: request() });
    },
    async updateComment(id, body) {
      await octokit.rest.issues.updateComment({ ...repo, comment_id: id, body, request: request() });
    },
    async openPullRequestsOf(sha) {
      const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        ...repo,
        commit_sha: sha,
        request: request(),
      });
      return data.filter((pull) => pull.state === "open").map((pull) => pull.number);
    },
  };
}

/** Why a call failed, with what to change when GitHub refused the token. */
function describeFailure(error: unknown): string {
  const status = (error as { status?: unknown } | null)?.status;
  const message = errorMessage(error).split("\n")[0] ?? "";
  if (status === 403 || status === 404) {
    return `HTTP ${String(status)}: ${message}. The token needs the permissions deployments: write and pull-requests: write (a pull request from a fork gets a read-only token)`;
  }
  return typeof status === "number" ? `HTTP ${String(status)}: ${message}` : message;
}

/** Calls that never fail a deploy: the client loads at the first one, and a failure is a warning. */
export class GithubCalls {
  private api: Promise<GithubApi> | undefined;

  constructor(
    private readonly load: () => Promise<GithubApi>,
    private readonly logger: Logger,
  ) {}

  async attempt(what: string, fn: (api: GithubApi) => Promise<void>): Promise<void> {
    try {
      await fn(await (this.api ??= this.load()));
    } catch (error) {
      this.logger.warn(`Could not ${what} (${describeFailure(error)}); the deploy goes on without it.`);
    }
  }
}
