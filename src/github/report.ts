/** What GitHub shows of a run: the deployment status and the pull-request comment (pure). */
import type { Config } from "../config/config";
import { CancelledError } from "../shared/errors";
import { cut } from "../shared/log";
import { codeBlock } from "../report/report";
import type { Outcome, Result } from "../record/result";
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

function verdict(config: Config, outcome: Outcome): string {
  if (outcome.error instanceof CancelledError) return "⏹️ Deploy cancelled";
  if (!config.deploy && !outcome.error) {
    return config.pushImage ? "✅ Built and pushed (deploy: false)" : "✅ Built (deploy: false)";
  }
  switch (finalState(outcome, config.wait)) {
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

/** A target as the comment shows it. */
interface Shown {
  readonly kind: string;
  readonly id: string;
  readonly name: string;
  readonly url?: string;
  readonly deploymentId?: string;
  readonly deploymentStatus?: string;
}

/** The targets as far as the run got: checked ones with what Dokploy said, else as given. */
function shownTargets(config: Config, result: Result): Shown[] {
  if (result.targets.length > 0) return result.targets.map((t) => ({ ...t, name: t.name ?? t.id }));
  return config.targets.map((t) => ({ kind: t.kind, id: t.id ?? t.name, name: t.id ?? t.name }));
}

function statusOf(target: Shown, error: Error | undefined): string {
  return target.deploymentId
    ? `${target.deploymentStatus ?? "?"} (deployment ${code(target.deploymentId)})`
    : (target.deploymentStatus ?? (error ? "not deployed" : "?"));
}

function targetCell(target: Shown): string {
  return `${link(code(target.name), target.url)} (Dokploy ${target.kind} ${code(target.id)})`;
}

/** Where it went: one target with its status, or a row per target; nothing without deploying. */
function targetRows(config: Config, outcome: Outcome, links: Links): [string, string][] {
  if (!config.deploy) return [];
  const targets = shownTargets(config, outcome.result);
  const environment: [string, string] = ["Environment", link(code(config.github.environment), links.environmentUrl)];
  const [only] = targets;
  if (targets.length === 1 && only) {
    return [["Target", targetCell(only)], environment, ["Status", statusOf(only, outcome.error)]];
  }
  return [
    ...targets.map((t): [string, string] => ["Target", `${targetCell(t)}: ${statusOf(t, outcome.error)}`]),
    environment,
  ];
}

/** What the heading names: the target (or the first and how many more), or the image. */
function subjectOf(config: Config, result: Result): string {
  if (!config.deploy) return code(result.image);
  const [first, ...more] = shownTargets(config, result);
  const name = code(first?.name ?? "");
  return more.length > 0 ? `${name} and ${String(more.length)} more` : name;
}

/** The pull-request comment: what was deployed where, how it ended, and where to look. */
export function commentBody(config: Config, outcome: Outcome, links: Links): string {
  const { result, error } = outcome;
  const rows: [string, string][] = [
    ["Image", code(result.image)],
    ["Digest", result.digest ? code(result.digest) : "—"],
    ...targetRows(config, outcome, links),
  ];
  if (config.ci.sha) rows.push(["Commit", code(config.ci.sha.slice(0, 7))]);
  if (links.runUrl) rows.push(["Run", link("log", links.runUrl)]);
  const lines = [
    commentMarker(config),
    `### ${verdict(config, outcome)}: ${subjectOf(config, result)}`,
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
