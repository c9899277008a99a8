/**
 * The GitHub deployment of the environment: created once Dokploy's deployment is triggered (in
 * progress, or queued without waiting), then given a status saying how the run ended.
 */
import type { Config } from "../config/config";
import type { Observed } from "../record/ledger";
import type { RunLinks } from "../report/comment";
import type { ReportModel } from "../report/model";
import type { VerdictKind } from "../report/verdict";
import type { Logger } from "../shared/log";
import type { DeploymentState, DeploymentStatus, GithubCalls } from "./api";

/** GitHub keeps at most 140 characters of a deployment or status description. */
const DESCRIPTION_MAX = 140;

function short(text: string, max = DESCRIPTION_MAX): string {
  const line = text.split("\n")[0]?.trim() ?? "";
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/**
 * The deployment's last status, from the run's verdict: success when our image runs; inactive
 * when a later run's image runs instead (GitHub marks that run's deployment active); failure
 * otherwise, cancelled too. Without waiting, Dokploy only queued it: it stays queued.
 */
export function finalState(verdict: VerdictKind): DeploymentState {
  switch (verdict) {
    case "failed":
    case "cancelled":
    case "removal-failed":
      return "failure";
    case "superseded":
    case "removed":
    case "pruned":
      return "inactive";
    case "queued":
      return "queued";
    default:
      return "success";
  }
}

function descriptionOf(state: DeploymentState, report: ReportModel): string {
  switch (state) {
    case "failure":
      return report.failure ?? "failed";
    case "inactive":
      return "Superseded: a later run's image runs";
    case "queued":
      return `Queued in Dokploy (not followed: wait is false): ${report.image}`;
    default:
      return `${report.image} runs`;
  }
}

/** The status to post for how the run ended. */
export function finalStatus(report: ReportModel, links: RunLinks): DeploymentStatus {
  const state = finalState(report.verdict.kind);
  const description = short(descriptionOf(state, report));
  return { state, description, environmentUrl: links.environmentUrl, logUrl: links.runUrl };
}

/** One run's GitHub deployment; on closing a preview, the end of its environment's deployments. */
export class GithubDeployment {
  private id: Promise<number | undefined> | undefined;
  /** The preview's address, once it has one: the environment's URL from the start. */
  private previewUrl: string | undefined;
  /** Something of the preview was removed: its address no longer shows what was deployed. */
  private removed = false;
  /** The previews whose environment went (prune removes several). */
  private readonly gone: string[] = [];

  constructor(
    private readonly config: Config,
    private readonly calls: GithubCalls,
    private readonly logger: Logger,
  ) {}

  /** Creates the GitHub deployment once Dokploy's is triggered: from then on something is deploying. */
  readonly onChange = (change: Observed): void => {
    if (change.kind === "preview") this.previewUrl = change.url;
    if (change.kind === "preview-removed") {
      this.removed = true;
      if (change.preview) this.gone.push(change.preview);
    }
    if (change.kind !== "deployment" || this.id) return;
    this.id = this.start(change.url);
  };

  /** Posts how the run ended, when a deployment was created. Never throws. */
  async finish(report: ReportModel, links: RunLinks): Promise<void> {
    const mode = this.config.preview?.mode;
    if (mode === "close") {
      await this.retireClosed(report, links);
      return;
    }
    if (mode === "prune") {
      // Each pruned preview's environment as the open side names it by default.
      for (const name of this.gone) {
        await retire(`preview/${name}`, "Preview removed: past preview-ttl", links, this.calls, this.logger);
      }
      return;
    }
    const id = await this.id;
    const status = finalStatus(report, links);
    // Without waiting, the status posted at the trigger (queued) is the last word.
    if (id === undefined || status.state === "queued") return;
    await this.calls.attempt("set the GitHub deployment's status", (api) => api.setDeploymentStatus(id, status));
  }

  /**
   * A closed preview's deployments go inactive once it is removed (or was not there), or once any
   * part of it was: its address then no longer shows what was deployed. When nothing could be
   * removed they are left as they are: the preview still runs.
   */
  private async retireClosed(report: ReportModel, links: RunLinks): Promise<void> {
    const environment = this.config.github.environment;
    const failed = report.failure !== undefined;
    if (failed && !this.removed) {
      this.logger.info(`The preview was not removed: the GitHub deployments of ${environment} stay as they are.`);
      return;
    }
    const description = failed
      ? "Preview partly removed (see the pull request's comment)"
      : "Preview removed: its pull request is closed";
    await retire(environment, description, links, this.calls, this.logger);
  }

  private async start(dokployUrl: string): Promise<number | undefined> {
    const { config } = this;
    let id: number | undefined;
    await this.calls.attempt(`create a GitHub deployment of ${config.github.environment}`, async (api) => {
      const preview = config.preview?.mode === "open";
      id = await api.createDeployment({
        ref: config.ci.sha,
        environment: config.github.environment,
        description: preview
          ? `Deploy ${config.tag.slice(0, 12)} to the preview of pull request ${config.preview?.number ?? ""}`
          : `Deploy ${config.tag.slice(0, 12)} to Dokploy`,
        // A preview goes away when its pull request closes; it is never production.
        ...(preview ? { transientEnvironment: true, productionEnvironment: false } : {}),
      });
      await api.setDeploymentStatus(id, {
        state: config.wait ? "in_progress" : "queued",
        description: config.wait ? "Dokploy is deploying it" : "Queued in Dokploy (not followed: wait is false)",
        environmentUrl: config.github.environmentUrl ?? this.previewUrl ?? dokployUrl,
        logUrl: config.ci.runUrl,
      });
      this.logger.info(
        `GitHub deployment ${String(id)} of ${config.github.environment}: ${config.wait ? "in progress" : "queued"}`,
      );
    });
    return id;
  }
}

/**
 * Gives each deployment GitHub lists for the environment an inactive status: GitHub never does it
 * by itself for a transient environment, and the preview it showed is gone.
 */
async function retire(
  environment: string,
  description: string,
  links: RunLinks,
  calls: GithubCalls,
  logger: Logger,
): Promise<void> {
  await calls.attempt(`mark the GitHub deployments of ${environment} inactive`, async (api) => {
    const ids = await api.listDeployments(environment);
    for (const id of ids) {
      await api.setDeploymentStatus(id, { state: "inactive", description, logUrl: links.runUrl });
    }
    logger.info(`GitHub deployments of ${environment} marked inactive: ${String(ids.length)}`);
  });
}
