/** The job summary: what was deployed where, how it ended, and how long each step took. */
import { MESSAGE_LIMIT, cut } from "../shared/log";
import { codeBlock, escapeCell, evidenceBlocks, headingOf, inlineCode, keyValueTable, targetLink } from "./markdown";
import type { ReportModel, TargetRow } from "./model";

/** Of the evidence's lines per target (a job summary takes up to 1 MiB). */
const EVIDENCE_MAX = 60_000;
/** Of a target's error in the table of several. */
const TARGET_ERROR_MAX = 300;

function deploymentCell(target: TargetRow | undefined): string {
  const status = target?.deploymentStatus === undefined ? undefined : inlineCode(target.deploymentStatus);
  if (!target?.deploymentId) return status ?? "—";
  return `${inlineCode(target.deploymentId)}${status ? ` (${status})` : ""}`;
}

/** The table's rows: the image, and with one target where it went; several get a table of their own. */
function rowsOf(model: ReportModel): [string, string][] {
  const rows: [string, string][] = [
    ["Image", inlineCode(model.image)],
    ["Digest", model.digest ? inlineCode(model.digest) : "—"],
  ];
  const { deploying } = model;
  const [only, ...others] = deploying?.targets ?? [];
  if (deploying && only && others.length === 0) {
    rows.push([only.kind === "compose" ? "Compose" : "Application", targetLink(only)]);
  }
  if (deploying) rows.push(["Method", deploying.method]);
  if (deploying && only && others.length === 0) rows.push(["Deployment", deploymentCell(only)]);
  if (model.registryId) rows.push(["Registry entry", inlineCode(model.registryId)]);
  if (model.previewUrl) rows.push(["Preview", model.previewUrl]);
  if (model.health) rows.push(["Health", model.health]);
  return rows;
}

/** Several targets: a row each. */
function targetTable(targets: readonly TargetRow[]): string[] {
  if (targets.length < 2) return [];
  const rows = ["| Target | Kind | Deployment | Error |", "|---|---|---|---|"];
  for (const t of targets) {
    const error = t.error === undefined ? "" : inlineCode(cut(t.error, TARGET_ERROR_MAX));
    const cells = [targetLink(t), t.kind, deploymentCell(t), error];
    rows.push(`| ${cells.map(escapeCell).join(" | ")} |`);
  }
  return [...rows, ""];
}

/** Why it failed; or, when it did not, what it changed in Dokploy (a failure's message says that already). */
function endingOf(model: ReportModel): string[] {
  if (model.failure !== undefined) return [...codeBlock(cut(model.failure, MESSAGE_LIMIT)), ""];
  if (model.changes.length === 0) return [];
  return ["Changed in Dokploy:", "", ...model.changes.map((change) => `- ${inlineCode(change)}`), ""];
}

function timingTable(model: ReportModel): string[] {
  if (model.timings.length === 0) return [];
  const rows = model.timings.map((t) => `| ${escapeCell(inlineCode(t.step))} | ${t.seconds.toFixed(1)} |`);
  return ["| Step | Seconds |", "|---|---:|", ...rows, ""];
}

/** The job summary's markdown. */
export function summaryMarkdown(model: ReportModel): string {
  const plan = model.plan ? ["Plan:", "", ...model.plan.map((p, i) => `${String(i + 1)}. ${inlineCode(p)}`), ""] : [];
  return [
    `## ${headingOf(model)}`,
    "",
    ...keyValueTable(rowsOf(model)),
    "",
    ...targetTable(model.deploying?.targets ?? []),
    ...endingOf(model),
    ...evidenceBlocks(model, EVIDENCE_MAX),
    ...(model.evidence.length > 0 ? [""] : []),
    ...plan,
    ...timingTable(model),
  ].join("\n");
}
