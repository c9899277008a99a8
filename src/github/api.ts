/** The few GitHub REST calls the step makes, behind a port; Octokit loads only when one is made. */
import { errorMessage } from "../shared/errors";
import type { Logger } from "../shared/log";
import { withLinkedSignal } from "../shared/signals";

export type DeploymentState = "queued" | "in_progress" | "success" | "failure" | "error" | "inactive";

export interface Repo {
  readonly owner: string;
  readonly repo: string;
}

export interface NewDeployment {
  readonly ref: string;
  readonly environment: string;
  readonly description: string;
  /** The environment goes away one day (a preview): GitHub then never marks its deployments inactive by itself. */
  readonly transientEnvironment?: boolean;
  readonly productionEnvironment?: boolean;
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
  /** Its author's login: a user's, or an app's `slug[bot]`. */
  readonly author: string;
}

export interface GithubApi {
  /** POST /repos/{owner}/{repo}/deployments; returns its id. */
  createDeployment(deployment: NewDeployment): Promise<number>;
  /** POST /repos/{owner}/{repo}/deployments/{id}/statuses */
  setDeploymentStatus(id: number, status: DeploymentStatus): Promise<void>;
  /** GET /repos/{owner}/{repo}/deployments?environment=: the ids of its newest DEPLOYMENTS_LISTED deployments. */
  listDeployments(environment: string): Promise<number[]>;
  /**
   * GET /repos/{owner}/{repo}/issues/{number}/comments, page by page, until `wanted` matches;
   * fails past COMMENT_PAGES pages.
   */
  findComment(issue: number, wanted: (comment: Comment) => boolean): Promise<Comment | undefined>;
  /**
   * Whom the token acts as (GraphQL's viewer): a user's login, or for an installation token
   * (GITHUB_TOKEN among them) its app's bot, `slug[bot]` (github-actions[bot]); the login its
   * comments carry. GET /user refuses installation tokens.
   */
  login(): Promise<string>;
  /** POST /repos/{owner}/{repo}/issues/{number}/comments */
  createComment(issue: number, body: string): Promise<void>;
  /** PATCH /repos/{owner}/{repo}/issues/comments/{id} */
  updateComment(id: number, body: string): Promise<void>;
  /** GET /repos/{owner}/{repo}/commits/{sha}/pulls: the open pull requests of a commit. */
  openPullRequestsOf(sha: string): Promise<number[]>;
}

/** How many deployments of an environment the step reads (GitHub lists the newest first). */
export const DEPLOYMENTS_LISTED = 100;

/** How many pages of a pull request's comments (100 a page) the step reads at most. */
export const COMMENT_PAGES = 30;

type Octokit = Awaited<ReturnType<typeof import("@actions/github").getOctokit>>;

/**
 * Reads the comments page by page, asking for each page by its number at the API's own base URL
 * (a `next` link is never followed, so the token goes nowhere else), until a page says there is
 * no next one, at most COMMENT_PAGES pages, all within `signal`.
 */
async function findComment(
  octokit: Octokit,
  where: Repo & { issue_number: number },
  wanted: (comment: Comment) => boolean,
  signal: AbortSignal,
): Promise<Comment | undefined> {
  for (let page = 1; page <= COMMENT_PAGES; page++) {
    const { data, headers } = await octokit.rest.issues.listComments({
      ...where,
      per_page: 100,
      ...(page > 1 ? { page } : {}),
      request: { signal },
    });
    if (!Array.isArray(data)) throw new Error("GitHub answered the list of comments with something else");
    const found = data
      .map((comment) => ({ id: comment.id, body: comment.body ?? "", author: comment.user?.login ?? "" }))
      .find(wanted);
    if (found) return found;
    if (data.length === 0 || !/\brel="next"/.test(headers.link ?? "")) return undefined;
  }
  throw new Error(`the pull request's comments go on past ${String(COMMENT_PAGES)} pages`);
}

/** A call given its request options: the signal that ends it. */
type Within = <T>(call: (request: { signal: AbortSignal }) => Promise<T>) => Promise<T>;

/** The GitHub deployment's calls. */
function deploymentCalls(
  octokit: Octokit,
  repo: Repo,
  within: Within,
): Pick<GithubApi, "createDeployment" | "setDeploymentStatus" | "listDeployments"> {
  return {
    createDeployment: (deployment) =>
      within(async (request) => {
        const { data } = await octokit.rest.repos.createDeployment({
          ...repo,
          ref: deployment.ref,
          environment: deployment.environment,
          description: deployment.description,
          auto_merge: false,
          required_contexts: [],
          ...(deployment.transientEnvironment === undefined
            ? {}
            : { transient_environment: deployment.transientEnvironment }),
          ...(deployment.productionEnvironment === undefined
            ? {}
            : { production_environment: deployment.productionEnvironment }),
          request,
        });
        if (!("id" in data)) throw new Error(`GitHub did not create the deployment: ${data.message ?? "no id"}`);
        return data.id;
      }),
    setDeploymentStatus: (id, status) =>
      within(async (request) => {
        await octokit.rest.repos.createDeploymentStatus({
          ...repo,
          deployment_id: id,
          state: status.state,
          description: status.description,
          environment_url: status.environmentUrl,
          log_url: status.logUrl,
          request,
        });
      }),
    listDeployments: (environment) =>
      within(async (request) => {
        const { data } = await octokit.rest.repos.listDeployments({
          ...repo,
          environment,
          per_page: DEPLOYMENTS_LISTED,
          request,
        });
        if (!Array.isArray(data)) throw new Error("GitHub answered the list of deployments with something else");
        return data.map((deployment) => deployment.id);
      }),
  };
}

/**
 * The API over Octokit, at GITHUB_API_URL (GitHub Enterprise Server too), through the runner's
 * proxy settings. Each request gives up after `timeoutMs` (the search for a comment, all its
 * pages together), and at once when `stop` aborts.
 */
export async function octokitApi(token: string, repo: Repo, timeoutMs: number, stop: AbortSignal): Promise<GithubApi> {
  const { getOctokit } = await import("@actions/github");
  const octokit = getOctokit(token);
  // The limit's timer is held until the call ends (AbortSignal.any can lose it to the GC).
  const within: Within = (call) => withLinkedSignal([stop], timeoutMs, (signal) => call({ signal }));
  return {
    ...deploymentCalls(octokit, repo, within),
    findComment: (issue, wanted) =>
      within(({ signal }) => findComment(octokit, { ...repo, issue_number: issue }, wanted, signal)),
    login: () =>
      within(async (request) => {
        const { viewer } = await octokit.graphql<{ viewer?: { login?: unknown } }>("query { viewer { login } }", {
          request,
        });
        if (typeof viewer?.login !== "string" || viewer.login === "") {
          throw new Error("GitHub did not say whom the token acts as");
        }
        return viewer.login;
      }),
    createComment: (issue, body) =>
      within(async (request) => {
        await octokit.rest.issues.createComment({ ...repo, issue_number: issue, body, request });
      }),
    updateComment: (id, body) =>
      within(async (request) => {
        await octokit.rest.issues.updateComment({ ...repo, comment_id: id, body, request });
      }),
    openPullRequestsOf: (sha) =>
      within(async (request) => {
        const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
          ...repo,
          commit_sha: sha,
          request,
        });
        return data.filter((pull) => pull.state === "open").map((pull) => pull.number);
      }),
  };
}

/** Why a call failed, with what to change when GitHub refused the token. */
function describeFailure(error: unknown): string {
  const failed = error as { status?: unknown; response?: unknown } | null;
  const message = errorMessage(error).split("\n")[0] ?? "";
  // Octokit gives a request that got no answer (refused, timed out) the status 500 and no response.
  const status = failed?.response === undefined ? undefined : failed.status;
  if (status === 403 || status === 404) {
    return `HTTP ${String(status)}: ${message}. The token needs the permissions deployments: write and pull-requests: write (a pull request from a fork gets a read-only token)`;
  }
  return typeof status === "number" ? `HTTP ${String(status)}: ${message}` : message;
}

/** Calls that never fail a deploy: the client loads at the first one, and a failure is a warning. */
export class GithubCalls {
  private api: Promise<GithubApi> | undefined;

  /** `stop`, aborted, ends the calls under way and fails those to come (its reason says why). */
  constructor(
    private readonly load: () => Promise<GithubApi>,
    private readonly logger: Logger,
    private readonly stop: AbortSignal = new AbortController().signal,
  ) {}

  async attempt(what: string, fn: (api: GithubApi) => Promise<void>): Promise<void> {
    try {
      this.stop.throwIfAborted();
      await fn(await (this.api ??= this.load()));
    } catch (error) {
      const why = this.stop.aborted ? `stopped: ${String(this.stop.reason)}` : describeFailure(error);
      this.logger.warn(`Could not ${what} (${why}); the deploy goes on without it.`);
    }
  }
}
