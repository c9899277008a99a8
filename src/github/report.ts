/** What GitHub shows of a run: the deployment status and the pull-request comment (pure). */
import type { Config } from "../core/config";
import { CancelledError } from "../core/errors";
import { cut } from "../core/log";
import { codeBlock } from "../core/report";
import type { Outcome } from "../core/result";
import type { DeploymentState, DeploymentStatus } from "./api";

/** GitHub keeps at most 140 characters of a deployment or status description. */
const DESCRIPTION_MAX = 140;
/** Of the error in the comment (GitHub takes comments of up to 65536 characters). */
const COMMENT_ERROR_MAX = 8_000;

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
  // The environment is the user's text: encoded, it cannot end the HTML comment.
  return `<!-- dokploy-deploy application=${config.applicationId} environment=${encodeURIComponent(config.github.environment)} -->`;
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
  return text.replace(/\|/g, "\\|").replace(/\r?\n|\r/g, " ");
}

/**
 * Text from Dokploy or the user as inline code: the comment is public, and a name must not
 * mention people, add markup or links.
 */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\r?\n|\r/g, " ")}\``;
}

/** A link whose URL cannot end early or add markup. */
function link(text: string, url: string | undefined): string {
  if (!url) return text;
  const safe = url.replace(/[()<>\s"]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
  return `[${text}](${safe})`;
}

/** The pull-request comment: what was deployed where, how it ended, and where to look. */
export function commentBody(config: Config, outcome: Outcome, links: Links): string {
  const { result, error } = outcome;
  const name = result.applicationName ?? config.applicationId;
  const status = result.deploymentId
    ? `${result.deploymentStatus ?? "?"} (deployment ${code(result.deploymentId)})`
    : (result.deploymentStatus ?? (error ? "not deployed" : "?"));
  const rows: [string, string][] = [
    ["Image", code(result.image)],
    ["Digest", result.digest ? code(result.digest) : "—"],
    ["Target", `${link(code(name), result.applicationUrl)} (Dokploy application ${code(config.applicationId)})`],
    ["Environment", link(code(config.github.environment), links.environmentUrl)],
    ["Status", status],
  ];
  if (config.ci.sha) rows.push(["Commit", code(config.ci.sha.slice(0, 7))]);
  if (links.runUrl) rows.push(["Run", link("log", links.runUrl)]);
  const lines = [
    commentMarker(config),
    `### ${verdict(outcome, config.wait)}: ${code(name)}`,
    "",
    "| | |",
    "|---|---|",
    ...rows.map(([key, value]) => `| ${key} | ${cell(value)} |`),
    "",
  ];
  if (error) {
    lines.push(
      "<details><summary>Why</summary>",
      "",
      ...codeBlock(cut(error.message, COMMENT_ERROR_MAX)),
      "</details>",
    );
  }
  return `${lines.join("\n")}\n`;
}
