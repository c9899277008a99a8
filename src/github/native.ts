/**
 * What the step shows on GitHub beside its log: a deployment of the environment (in progress
 * once Dokploy runs ours, then how it ended) and one pull-request comment. GitHub's API failing
 * is a warning: it never fails a deploy.
 */
import { readFile } from "node:fs/promises";
import { type Config, secretsOf } from "../config/config";
import { errorMessage } from "../shared/errors";
import type { Change } from "../record/ledger";
import { type Logger, Redactor, redactingLogger } from "../shared/log";
import type { RunLinks } from "../report/comment";
import type { ReportModel } from "../report/model";
import { type GithubApi, type Repo, octokitApi } from "./api";
import { commentBody, commentMarker, finalStatus } from "./report";

type Env = Readonly<Record<string, string | undefined>>;

/** Loads the API client for a token and repository. */
export type LoadGithubApi = (token: string, repo: Repo, timeoutMs: number) => Promise<GithubApi>;

const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target"]);

/** The pull request the event is about, from the payload the runner wrote. */
async function pullRequestOfEvent(env: Env): Promise<number | undefined> {
  if (!PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? "") || !env.GITHUB_EVENT_PATH) return undefined;
  try {
    const payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, "utf8")) as {
      pull_request?: { number?: unknown };
    };
    const number = payload.pull_request?.number;
    return typeof number === "number" ? number : undefined;
  } catch {
    return undefined;
  }
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

export class GithubNative {
  private deployment: Promise<number | undefined> | undefined;
  private api: Promise<GithubApi> | undefined;

  constructor(
    private readonly config: Config,
    private readonly env: Env,
    private readonly logger: Logger,
    private readonly load: () => Promise<GithubApi>,
    private readonly wants: { readonly deployment: boolean; readonly comment: boolean },
  ) {}

  /** Creates the GitHub deployment once Dokploy's is triggered: from then on something is deploying. */
  readonly onChange = (change: Change): void => {
    if (change.kind !== "deployment" || !this.wants.deployment || this.deployment) return;
    this.deployment = this.startDeployment(change.url);
  };

  /** Posts how the run ended, and comments on the pull request. Never throws. */
  async finish(report: ReportModel): Promise<void> {
    const links: RunLinks = {
      environmentUrl: this.config.github.environmentUrl ?? report.deploying?.targets[0]?.url,
      runUrl: this.config.ci.runUrl,
    };
    const id = await this.deployment;
    const status = finalStatus(report, links);
    // Without waiting, the status posted at the trigger (queued) is the last word.
    if (id !== undefined && status.state !== "queued") {
      await this.attempt("set the GitHub deployment's status", (api) => api.setDeploymentStatus(id, status));
    }
    if (this.wants.comment) {
      await this.attempt("comment on the pull request", (api) => this.comment(api, report, links));
    }
  }

  private async startDeployment(dokployUrl: string): Promise<number | undefined> {
    const { config } = this;
    let id: number | undefined;
    await this.attempt(`create a GitHub deployment of ${config.github.environment}`, async (api) => {
      id = await api.createDeployment({
        ref: config.ci.sha,
        environment: config.github.environment,
        description: `Deploy ${config.tag.slice(0, 12)} to Dokploy`,
      });
      await api.setDeploymentStatus(id, {
        state: config.wait ? "in_progress" : "queued",
        description: config.wait ? "Dokploy is deploying it" : "Queued in Dokploy (not followed: wait is false)",
        environmentUrl: config.github.environmentUrl ?? dokployUrl,
        logUrl: config.ci.runUrl,
      });
      this.logger.info(
        `GitHub deployment ${String(id)} of ${config.github.environment}: ${config.wait ? "in progress" : "queued"}`,
      );
    });
    return id;
  }

  private async comment(api: GithubApi, report: ReportModel, links: RunLinks): Promise<void> {
    const issue = await this.pullRequest(api);
    if (issue === undefined) {
      this.logger.info("No open pull request for this commit: no comment.");
      return;
    }
    const marker = commentMarker(this.config);
    const body = commentBody(this.config, report, links);
    const existing = await api.findComment(issue, (text) => text.includes(marker));
    if (existing) await api.updateComment(existing.id, body);
    else await api.createComment(issue, body);
    this.logger.info(`${existing ? "Updated the comment" : "Commented"} on pull request #${String(issue)}`);
  }

  /** The event's pull request; with pr-comment: true on another event, the commit's open one. */
  private async pullRequest(api: GithubApi): Promise<number | undefined> {
    const ofEvent = await pullRequestOfEvent(this.env);
    if (ofEvent !== undefined || this.config.github.prComment !== true || !this.config.ci.sha) return ofEvent;
    return (await api.openPullRequestsOf(this.config.ci.sha)).at(0);
  }

  private async attempt(what: string, fn: (api: GithubApi) => Promise<void>): Promise<void> {
    try {
      await fn(await (this.api ??= this.load()));
    } catch (error) {
      this.logger.warn(`Could not ${what} (${describeFailure(error)}); the deploy goes on without it.`);
    }
  }
}

/**
 * The GitHub side of a run, or undefined when there is nothing to do (then the API client is
 * never loaded): a deployment with github-deployment, a comment on pull requests (pr-comment).
 */
export function githubNative(
  config: Config,
  env: Env,
  logger: Logger,
  load: LoadGithubApi = octokitApi,
): GithubNative | undefined {
  const { token, deployment, prComment } = config.github;
  const comment = prComment ?? PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? "");
  if (config.dryRun || !token || (!deployment && !comment)) return undefined;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  const redactor = new Redactor();
  for (const secret of secretsOf(config)) redactor.add(secret);
  const masked = redactingLogger(logger, redactor);
  if (!owner || !repo) {
    masked.warn("GITHUB_REPOSITORY is not set: no GitHub deployment and no pull-request comment.");
    return undefined;
  }
  const timeoutMs = config.requestTimeoutSeconds * 1000;
  return new GithubNative(config, env, masked, () => load(token, { owner, repo }, timeoutMs), {
    deployment: deployment && config.ci.sha !== "",
    comment,
  });
}
