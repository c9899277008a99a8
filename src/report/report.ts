import { CancelledError } from "../shared/errors";
import { type Config, describeTarget } from "../config/config";
import { MESSAGE_LIMIT, cut } from "../shared/log";
import type { Outcome, Result } from "../record/result";
import type { TargetResult } from "../record/result";

const targetName = (target: TargetResult): string => target.name ?? target.id;

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n|\r/g, " ");
}

/** A fenced code block that no backticks in the text can end early. */
export function codeBlock(text: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return [fence, text, fence];
}

function verdictOf(config: Config, outcome: Outcome): string {
  const { result, error } = outcome;
  if (error) return error instanceof CancelledError ? "⏹️ Deploy cancelled" : "❌ Deploy failed";
  if (result.plan) return "📝 Dry run";
  if (!config.deploy)
    return config.pushImage ? "✅ Built and pushed (deploy: false)" : "✅ Built (push and deploy: false)";
  return "✅ Deployed";
}

/** What the heading names: the target (or the first and how many more), or the image. */
function subjectOf(config: Config, result: Result): string {
  if (!config.deploy) return result.image;
  const [first, ...more] = result.targets;
  const name = first ? targetName(first) : config.targets[0] ? describeTarget(config.targets[0]) : "";
  const count = Math.max(more.length, config.targets.length - 1);
  return count > 0 ? `${name} and ${String(count)} more` : name;
}

function linked(target: TargetResult): string {
  return target.url ? `[${targetName(target)}](${target.url})` : targetName(target);
}

function deploymentCell(target: TargetResult | undefined): string {
  if (!target) return "—";
  return target.deploymentId
    ? `${target.deploymentId} (${target.deploymentStatus ?? ""})`
    : (target.deploymentStatus ?? "—");
}

/** One target: its rows in the table, as they have always been. */
function oneTargetRows(config: Config, target: TargetResult | undefined): [string, string][] {
  const kind = target?.kind ?? config.targets[0]?.kind ?? "application";
  const fallback = config.targets[0] ? describeTarget(config.targets[0]) : "";
  return [
    [kind === "compose" ? "Compose" : "Application", target ? linked(target) : fallback],
    ["Method", config.deployMethod],
    ["Deployment", deploymentCell(target)],
  ];
}

/** Several targets: a row each. */
function targetTable(targets: readonly TargetResult[]): string[] {
  const rows = ["| Target | Kind | Deployment | Error |", "|---|---|---|---|"];
  for (const t of targets) {
    rows.push(
      `| ${escapeCell(linked(t))} | ${t.kind} | ${escapeCell(deploymentCell(t))} | ${escapeCell(cut(t.error ?? "", 300))} |`,
    );
  }
  return [...rows, ""];
}

/** The job summary: what was deployed where, how it ended, and how long each step took. */
export function summaryMarkdown(config: Config, outcome: Outcome): string {
  const { result, error } = outcome;
  const several = config.targets.length > 1;
  const lines: string[] = [`## ${verdictOf(config, outcome)}: ${subjectOf(config, result)}`, ""];
  const rows: [string, string][] = [
    ["Image", `\`${result.image}\``],
    ["Digest", result.digest ? `\`${result.digest}\`` : "—"],
  ];
  if (config.deploy && !several) rows.push(...oneTargetRows(config, result.targets[0]));
  if (config.deploy && several) rows.push(["Method", config.deployMethod]);
  if (result.registryId) rows.push(["Registry entry", result.registryId]);
  if (result.health) rows.push(["Health", result.health]);
  lines.push("| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${escapeCell(v)} |`), "");
  if (config.deploy && several && result.targets.length > 0) lines.push(...targetTable(result.targets));
  if (error) lines.push(...codeBlock(cut(error.message, MESSAGE_LIMIT)), "");
  else if (outcome.changes.length > 0) {
    lines.push("Changed in Dokploy:", "", ...outcome.changes.map((change) => `- ${escapeCell(change)}`), "");
  }
  if (result.plan) lines.push("Plan:", "", ...result.plan.map((p, i) => `${String(i + 1)}. \`${p}\``), "");
  if (result.timings.length > 0) {
    lines.push("| Step | Seconds |", "|---|---:|");
    for (const t of result.timings) lines.push(`| ${escapeCell(t.step)} | ${t.seconds.toFixed(1)} |`);
    lines.push("");
  }
  return lines.join("\n");
}
