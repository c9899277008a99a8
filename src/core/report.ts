import { CancelledError } from "./errors";
import type { Config } from "./config";
import { MESSAGE_LIMIT, cut } from "./log";
import type { Outcome } from "./result";

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n|\r/g, " ");
}

/** A fenced code block that no backticks in the text can end early. */
export function codeBlock(text: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return [fence, text, fence];
}

/** The job summary: what was deployed where, how it ended, and how long each step took. */
export function summaryMarkdown(config: Config, outcome: Outcome): string {
  const { result, error } = outcome;
  const lines: string[] = [];
  const verdict = error
    ? error instanceof CancelledError
      ? "⏹️ Deploy cancelled"
      : "❌ Deploy failed"
    : result.plan
      ? "📝 Dry run"
      : "✅ Deployed";
  lines.push(`## ${verdict}: ${result.applicationName ?? config.applicationId}`, "");
  const rows: [string, string][] = [
    ["Image", `\`${result.image}\``],
    ["Digest", result.digest ? `\`${result.digest}\`` : "—"],
    [
      "Application",
      result.applicationUrl
        ? `[${result.applicationName ?? config.applicationId}](${result.applicationUrl})`
        : config.applicationId,
    ],
    ["Method", config.deployMethod],
    [
      "Deployment",
      result.deploymentId
        ? `${result.deploymentId} (${result.deploymentStatus ?? ""})`
        : (result.deploymentStatus ?? "—"),
    ],
  ];
  if (result.registryId) rows.push(["Registry entry", result.registryId]);
  if (result.health) rows.push(["Health", result.health]);
  lines.push("| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${escapeCell(v)} |`), "");
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
