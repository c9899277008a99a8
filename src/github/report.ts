/** What GitHub shows of a run: the deployment status and the pull-request comment (pure). */
import type { Config } from "../core/config";
import { CancelledError } from "../core/errors";
import type { Outcome } from "../core/result";
import type { DeploymentState, DeploymentStatus } from "./api";

/** GitHub keeps at most 140 characters of a deployment or status description. */
const DESCRIPTION_MAX = 140;

function short(text: string, max = DESCRIPTION_MAX): string {
  const line = text.split("\n")[0]?.trim() ?? "";
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** Where the run's links point: the environment on GitHub, and the run's log. */
export interface Links {
  readonly environmentUrl?: string;
  readonly runUrl?: string;
}

/**
 * The deployment's last status: success when our image runs; inactive when a later run's image
 * runs instead (GitHub marks that run's deployment active); failure otherwise, cancelled too.
 * Without waiting, Dokploy only queued it: it stays queued.
 */
export function finalState(outcome: Outcome, wait: boolean): DeploymentState {
  if (outcome.error) return "failure";
  if (outcome.result.deploymentStatus === "superseded") return "inactive";
  return wait ? "success" : "queued";
}

/** The status to post for the run's outcome. */
export function finalStatus(outcome: Outcome, wait: boolean, links: Links): DeploymentStatus {
  const state = finalState(outcome, wait);
  const { result, error } = outcome;
  const description =
    state === "failure"
      ? short(error?.message ?? "failed")
      : state === "inactive"
        ? "Superseded: a later run's image runs"
        : state === "queued"
          ? `Queued in Dokploy (not followed: wait is false): ${result.image}`
          : `${result.image} runs`;
  return { state, description: short(description), environmentUrl: links.environmentUrl, logUrl: links.runUrl };
}

/** The hidden line that finds this application's comment for this environment on re-runs. */
export function commentMarker(config: Config): string {
  return `<!-- dokploy-deploy application=${config.applicationId} environment=${config.github.environment} -->`;
}

function verdict(outcome: Outcome, wait: boolean): string {
  if (outcome.error instanceof CancelledError) return "⏹️ Deploy cancelled";
  switch (finalState(outcome, wait)) {
    case "failure":
      return "❌ Deploy failed";
    case "inactive":
      return "⚠️ Superseded by a later run";
    case "queued":
      return "⏳ Queued in Dokploy";
    default:
      return "✅ Deployed";
  }
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function link(text: string, url: string | undefined): string {
  return url ? `[${text.replace(/[[\]]/g, "")}](${url})` : text;
}

/** The pull-request comment: what was deployed where, how it ended, and where to look. */
export function commentBody(config: Config, outcome: Outcome, links: Links): string {
  const { result, error } = outcome;
  const name = result.applicationName ?? config.applicationId;
  const status = result.deploymentId
    ? `${result.deploymentStatus ?? "?"} (deployment \`${result.deploymentId}\`)`
    : (result.deploymentStatus ?? (error ? "not deployed" : "?"));
  const rows: [string, string][] = [
    ["Image", `\`${result.image}\``],
    ["Digest", result.digest ? `\`${result.digest}\`` : "—"],
    ["Target", `${link(name, result.applicationUrl)} (Dokploy application \`${config.applicationId}\`)`],
    ["Environment", link(config.github.environment, links.environmentUrl)],
    ["Status", status],
  ];
  if (config.ci.sha) rows.push(["Commit", `\`${config.ci.sha.slice(0, 7)}\``]);
  if (links.runUrl) rows.push(["Run", link("log", links.runUrl)]);
  const lines = [
    commentMarker(config),
    `### ${verdict(outcome, config.wait)}: ${name}`,
    "",
    "| | |",
    "|---|---|",
    ...rows.map(([key, value]) => `| ${key} | ${cell(value)} |`),
    "",
  ];
  if (error) {
    lines.push("<details><summary>Why</summary>", "", "```", error.message.replace(/```/g, "'''"), "```", "</details>");
  }
  return `${lines.join("\n")}\n`;
}
