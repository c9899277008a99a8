/**
 * The pull-request comment's markdown: what was deployed where, how it ended, and where to
 * look. Public text: every name and message is inert. The line that finds it again on re-runs
 * is GitHub's, and src/github puts it above this.
 */
import { cut } from "../shared/log";
import { codeBlock, evidenceBlocks, headingOf, inlineCode, keyValueTable, link, targetLink } from "./markdown";
import type { ReportModel, TargetRow } from "./model";

/** Of the error in the comment (GitHub takes comments of up to 65536 characters). */
const COMMENT_ERROR_MAX = 8_000;
/** Of the evidence's lines, all targets together: the comment stays well inside GitHub's limit. */
const COMMENT_EVIDENCE_MAX = 40_000;
/** GitHub refuses a comment over 65,536 characters: the evidence fills what is left below this. */
const COMMENT_MAX = 60_000;

/** Where a run's links point: the page of the environment deployed to, and the run's log. */
export interface RunLinks {
  readonly environmentUrl?: string;
  readonly runUrl?: string;
  /** When the run ended, ISO 8601: a removal says when it happened. */
  readonly endedAt?: string;
}

/** The comment's links, and the name of the environment deployed to. */
export interface CommentLinks extends RunLinks {
  readonly environment: string;
}

function statusOf(target: TargetRow, failed: boolean): string {
  const status = target.deploymentStatus === undefined ? undefined : inlineCode(target.deploymentStatus);
  return target.deploymentId
    ? `${status ?? "?"} (deployment ${inlineCode(target.deploymentId)})`
    : (status ?? (failed ? "not deployed" : "?"));
}

function targetCell(target: TargetRow): string {
  return `${targetLink(target)} (Dokploy ${target.kind} ${inlineCode(target.id)})`;
}

/** Where it went: one target with its status, or a row per target; nothing without deploying. */
function targetRows(model: ReportModel, links: CommentLinks): [string, string][] {
  if (!model.deploying) return [];
  const { targets } = model.deploying;
  const failed = model.failure !== undefined;
  const environment: [string, string] = ["Environment", link(inlineCode(links.environment), links.environmentUrl)];
  const [only] = targets;
  if (targets.length === 1 && only) {
    return [["Target", targetCell(only)], environment, ["Status", statusOf(only, failed)]];
  }
  return [...targets.map((t): [string, string] => ["Target", `${targetCell(t)}: ${statusOf(t, failed)}`]), environment];
}

/** The comment's markdown below its marker line. */
export function commentMarkdown(model: ReportModel, links: CommentLinks): string {
  if (model.removal) return removalMarkdown(model, model.removal, links);
  const rows: [string, string][] = [
    ["Image", inlineCode(model.image)],
    ["Digest", model.digest ? inlineCode(model.digest) : "—"],
    ...targetRows(model, links),
  ];
  if (model.previewUrl) rows.push(["Preview", model.previewUrl]);
  if (model.commit) rows.push(["Commit", inlineCode(model.commit.slice(0, 7))]);
  if (links.runUrl) rows.push(["Run", link("log", links.runUrl)]);
  const lines = [`### ${headingOf(model)}`, "", ...keyValueTable(rows), ""];
  if (model.failure !== undefined) lines.push(...whyBlock(model.failure));
  lines.push(...evidenceWithin(model, COMMENT_MAX - lines.join("\n").length));
  return `${lines.join("\n")}\n`;
}

/** A red run's reason, collapsed. */
function whyBlock(failure: string): string[] {
  return ["<details><summary>Why</summary>", "", ...codeBlock(cut(failure, COMMENT_ERROR_MAX)), "</details>"];
}

/**
 * The comment of a run that removed a preview (close) or the old ones (prune), in place of the
 * deploy's: which preview, when, by which run, and what went from Dokploy; when it failed, what
 * went before it stopped and why (the message says what was left).
 */
function removalMarkdown(
  model: ReportModel,
  removal: NonNullable<ReportModel["removal"]>,
  links: CommentLinks,
): string {
  const failed = model.failure !== undefined;
  const pr = removal.pullRequest ?? "";
  const rows: [string, string][] = [];
  if (removal.mode === "close") rows.push(["Preview", `${inlineCode(removal.name ?? "")} of pull request #${pr}`]);
  rows.push(["Environment", inlineCode(links.environment)]);
  if (links.endedAt) rows.push([failed ? "Stopped" : "Removed", links.endedAt]);
  if (model.commit) rows.push(["Commit", inlineCode(model.commit.slice(0, 7))]);
  if (links.runUrl) rows.push(["Run", link("log", links.runUrl)]);
  const lines = [`### ${headingOf(model)}`, "", ...keyValueTable(rows), ""];
  if (model.changes.length > 0) {
    lines.push(failed ? "Removed before it stopped:" : "Removed from Dokploy:", "");
    lines.push(...model.changes.map((change) => `- ${inlineCode(change)}`), "");
  } else if (failed) {
    lines.push("Nothing was removed.", "");
  } else {
    const none =
      removal.mode === "close"
        ? `There was no preview of pull request #${pr} left to remove.`
        : "No preview was older than preview-ttl.";
    lines.push(none, "");
  }
  if (model.failure !== undefined) lines.push(...whyBlock(model.failure));
  return `${lines.join("\n")}\n`;
}

/**
 * Each red target's evidence block, in order, while the comment has room for it; the targets
 * after the first that does not fit are named in a count (their evidence is in the job summary).
 */
function evidenceWithin(model: ReportModel, room: number): string[] {
  const share = Math.floor(COMMENT_EVIDENCE_MAX / Math.max(1, model.evidence.length));
  const kept: string[] = [];
  let used = 0;
  let left = 0;
  for (const one of model.evidence) {
    const block = evidenceBlocks({ ...model, evidence: [one] }, share);
    const size = block.join("\n").length + 1;
    if (left === 0 && used + size <= room) {
      kept.push(...block);
      used += size;
    } else left++;
  }
  if (left > 0) kept.push("", `What went wrong in ${String(left)} more targets is in the job summary and the log.`);
  return kept;
}
