/**
 * The GitHub deployment of the environment: created once Dokploy's deployment is triggered (in
 * progress, or queued without waiting), then given a status saying how the run ended.
 */
import type { Config } from "../config/config";
import type { Change } from "../record/ledger";
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
      return "failure";
    case "superseded":
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

/** One run's GitHub deployment. */
export class GithubDeployment {
  private id: Promise<number | undefined> | undefined;

  constructor(
    private readonly config: Config,
    private readonly calls: GithubCalls,
    private readonly logger: Logger,
  ) {}

  /** Creates the GitHub deployment once Dokploy's is triggered: from then on something is deploying. */
  readonly onChange = (change: Change): void => {
    if (change.kind !== "deployment" || this.id) return;
    this.id = this.start(change.url);
  };

  /** Posts how the run ended, when a deployment was created. Never throws. */
  async finish(report: ReportModel, links: RunLinks): Promise<void> {
    const id = await this.id;
    const status = finalStatus(report, links);
    // Without waiting, the status posted at the trigger (queued) is the last word.
    if (id === undefined || status.state === "queued") return;
    await this.calls.attempt("set the GitHub deployment's status", (api) => api.setDeploymentStatus(id, status));
  }

  private async start(dokployUrl: string): Promise<number | undefined> {
    const { config } = this;
    let id: number | undefined;
    await this.calls.attempt(`create a GitHub deployment of ${config.github.environment}`, async (api) => {
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
}
