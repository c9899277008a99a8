/** What GitHub shows of a run: the deployment status and the pull-request comment (pure). */
import type { Config } from "../config/config";
import { type RunLinks, commentMarkdown } from "../report/comment";
import type { ReportModel } from "../report/model";
import type { VerdictKind } from "../report/verdict";
import type { DeploymentState, DeploymentStatus } from "./api";

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
