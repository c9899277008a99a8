/**
 * The pull-request comment: one per set of targets (or image) and environment, found again by
 * a hidden line and its author (whom the token acts as) and updated in place on re-runs.
 */
import { readFile } from "node:fs/promises";
import type { Config } from "../config/config";
import { type RunLinks, commentMarkdown } from "../report/comment";
import type { ReportModel } from "../report/model";
import type { Logger } from "../shared/log";
import type { GithubApi, GithubCalls } from "./api";

type Env = Readonly<Record<string, string | undefined>>;

const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target"]);

/** Whether the event is about a pull request: then the step comments unless pr-comment is false. */
export function isPullRequestEvent(env: Env): boolean {
  return PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? "");
}

/** The pull request the event is about, from the payload the runner wrote. */
async function pullRequestOfEvent(env: Env): Promise<number | undefined> {
  if (!isPullRequestEvent(env) || !env.GITHUB_EVENT_PATH) return undefined;
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

/**
 * The hidden line that finds this comment on re-runs: one per set of targets (or, building
 * without deploying, per image) and environment.
 */
export function commentMarker(config: Config): string {
  // Names and the environment are the user's text: encoded, they cannot end the HTML comment.
  const targets = config.targets.map((t) => `${t.kind}=${encodeURIComponent(t.id ?? t.name)}`);
  const subject = config.deploy && targets.length > 0 ? targets.join(" ") : `build=${config.image.name}`;
  return `<!-- dokploy-deploy ${subject} environment=${encodeURIComponent(config.github.environment)} -->`;
}

/** The whole comment: its marker, then the report (the environment named as the inputs give it). */
export function commentBody(config: Config, report: ReportModel, links: RunLinks): string {
  const environment = config.github.environment;
  return `${commentMarker(config)}\n${commentMarkdown(report, { ...links, environment })}`;
}

/** Writes or updates the run's comment on its pull request. */
export class PullRequestComment {
  constructor(
    private readonly config: Config,
    private readonly env: Env,
    private readonly calls: GithubCalls,
    private readonly logger: Logger,
  ) {}

  /** Never throws: GitHub's API failing is a warning. */
  async post(report: ReportModel, links: RunLinks): Promise<void> {
    await this.calls.attempt("comment on the pull request", (api) => this.write(api, report, links));
  }

  private async write(api: GithubApi, report: ReportModel, links: RunLinks): Promise<void> {
    const issue = await this.pullRequest(api);
    if (issue === undefined) {
      this.logger.info("No open pull request for this commit: no comment.");
      return;
    }
    const marker = commentMarker(this.config);
    const body = commentBody(this.config, report, links);
    // Ours is the one the token wrote: anyone who can comment can copy the marker.
    const me = await api.login();
    const existing = await api.findComment(issue, (c) => c.author === me && c.body.includes(marker));
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
}
