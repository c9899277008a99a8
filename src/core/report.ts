import { CancelledError } from "./errors";
import type { Config } from "./config";
import type { Outcome, Result } from "./result";

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function verdictOf(config: Config, outcome: Outcome): string {
  const { result, error } = outcome;
  if (error) return error instanceof CancelledError ? "⏹️ Deploy cancelled" : "❌ Deploy failed";
  if (result.plan) return "📝 Dry run";
  if (!config.deploy)
    return config.pushImage ? "✅ Built and pushed (deploy: false)" : "✅ Built (push and deploy: false)";
  return "✅ Deployed";
}

/** The rows about Dokploy: where it went and how the deployment ended. */
function dokployRows(config: Config, result: Result): [string, string][] {
  const name = result.applicationName ?? config.applicationId;
  return [
    ["Application", result.applicationUrl ? `[${name}](${result.applicationUrl})` : config.applicationId],
    ["Method", config.deployMethod],
    [
      "Deployment",
      result.deploymentId
        ? `${result.deploymentId} (${result.deploymentStatus ?? ""})`
        : (result.deploymentStatus ?? "—"),
    ],
  ];
}

/** The job summary: what was deployed where, how it ended, and how long each step took. */
export function summaryMarkdown(config: Config, outcome: Outcome): string {
  const { result, error } = outcome;
  const lines: string[] = [];
  const subject = config.deploy ? (result.applicationName ?? config.applicationId) : result.image;
  lines.push(`## ${verdictOf(config, outcome)}: ${subject}`, "");
  const rows: [string, string][] = [
    ["Image", `\`${result.image}\``],
    ["Digest", result.digest ? `\`${result.digest}\`` : "—"],
  ];
  if (config.deploy) rows.push(...dokployRows(config, result));
  if (result.registryId) rows.push(["Registry entry", result.registryId]);
  if (result.health) rows.push(["Health", result.health]);
  lines.push("| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${escapeCell(v)} |`), "");
  if (error) lines.push("```", error.message, "```", "");
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
