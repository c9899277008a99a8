/**
 * What the step shows on GitHub beside its log: a deployment of the environment
 * (deployments.ts) and one pull-request comment (pr-comment.ts), sharing one API client that
 * loads only when one of them calls it. GitHub's API failing is a warning: it never fails a deploy.
 */
import { type Config, secretsOf } from "../config/config";
import type { Observed } from "../record/ledger";
import type { ReportModel } from "../report/model";
import { type Logger, Redactor, redactingLogger } from "../shared/log";
import { GithubCalls, type GithubApi, type Repo, octokitApi } from "./api";
import { GithubDeployment } from "./deployments";
import { forgeOf } from "./forge";
import { PullRequestComment, isPullRequestEvent } from "./pr-comment";

type Env = Readonly<Record<string, string | undefined>>;

/** Loads the API client for a token and repository; `stop` aborted ends its calls. */
export type LoadGithubApi = (token: string, repo: Repo, timeoutMs: number, stop: AbortSignal) => Promise<GithubApi>;

export interface GithubNative {
  /** Told each change the run records: a triggered deployment creates the GitHub one. */
  readonly onChange: (change: Observed) => void;
  /** Posts how the run ended and comments on the pull request. Never throws. */
  finish(report: ReportModel): Promise<void>;
}

interface Parts {
  readonly deployment?: GithubDeployment;
  readonly comment?: PullRequestComment;
  /** The run's cancellation, and what it aborts once the run has ended. */
  readonly cancel: AbortSignal;
  readonly stop: AbortController;
}

function wire(config: Config, { deployment, comment, cancel, stop }: Parts): GithubNative {
  return {
    onChange: (change) => {
      deployment?.onChange(change);
    },
    async finish(report) {
      const links = {
        // A preview's environment is its address; else the target's page in Dokploy.
        environmentUrl: config.github.environmentUrl ?? report.previewUrl ?? report.deploying?.targets[0]?.url,
        runUrl: config.ci.runUrl,
        endedAt: new Date().toISOString(),
      };
      // A cancel once the run has ended stops what is left to tell GitHub. After a cancelled run,
      // GitHub is still told that it was cancelled: a second signal ends the step at once.
      const onCancel = () => {
        stop.abort(String(cancel.reason));
      };
      if (!cancel.aborted) cancel.addEventListener("abort", onCancel, { once: true });
      try {
        await deployment?.finish(report, links);
        await comment?.post(report, links);
      } finally {
        cancel.removeEventListener("abort", onCancel);
      }
    },
  };
}

/**
 * The GitHub side of a run, or undefined when there is nothing to do (then the API client is
 * never loaded): a deployment with github-deployment, a comment on pull requests (pr-comment).
 * Never on Forgejo or Gitea Actions, whose GITHUB_API_URL is not GitHub's API.
 */
export function githubNative(
  config: Config,
  env: Env,
  logger: Logger,
  load: LoadGithubApi = octokitApi,
  cancel: AbortSignal = new AbortController().signal,
): GithubNative | undefined {
  const { token, deployment, prComment } = config.github;
  const comment = prComment ?? isPullRequestEvent(env);
  if (config.dryRun || !token || (!deployment && !comment) || forgeOf(env) !== "github") return undefined;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  const redactor = new Redactor();
  for (const secret of secretsOf(config)) redactor.add(secret);
  const masked = redactingLogger(logger, redactor);
  if (!owner || !repo) {
    masked.warn("GITHUB_REPOSITORY is not set: no GitHub deployment and no pull-request comment.");
    return undefined;
  }
  const timeoutMs = config.requestTimeoutSeconds * 1000;
  const stop = new AbortController();
  const calls = new GithubCalls(() => load(token, { owner, repo }, timeoutMs, stop.signal), masked, stop.signal);
  return wire(config, {
    deployment: deployment && config.ci.sha !== "" ? new GithubDeployment(config, calls, masked) : undefined,
    comment: comment ? new PullRequestComment(config, env, calls, masked) : undefined,
    cancel,
    stop,
  });
}
