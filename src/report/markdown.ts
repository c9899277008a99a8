/**
 * Markdown that text from Dokploy, the registry or the user cannot break out of. Every report
 * (the job summary, the pull-request comment) shows such text the same way: as inline code
 * (`inlineCode`), or fenced (`codeBlock`) when it runs over lines, never as markup.
 */
import type { ReportModel, TargetRow } from "./model";

/** Text for a table cell: a pipe cannot start another cell, nor a line break another row. */
export function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n|\r/g, " ");
}

/** A fenced code block that no backticks in the text can end early. */
export function codeBlock(text: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return [fence, text, fence];
}

/**
 * Text from Dokploy, the registry or the user as inline code: a report must not let a name or a
 * status mention people, add markup, HTML or links.
 */
export function inlineCode(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\r?\n|\r/g, " ")}\``;
}

/**
 * Text from outside on a line of raw HTML (a <summary>), where markdown is not read and
 * backticks are no code: HTML-escaped, on one line (a blank one would end the HTML), as <code>
 * (in which GitHub makes no mention or link).
 */
export function htmlCode(text: string): string {
  const escaped = text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;")
    .replace(/\r?\n|\r/g, " ");
  return `<code>${escaped}</code>`;
}

/** A link whose URL cannot end early or add markup; the text alone without a URL. */
export function link(text: string, url: string | undefined): string {
  if (!url) return text;
  const safe = url.replace(/[()<>\s"]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
  return `[${text}](${safe})`;
}

/** A two-column table without a header: a key and its value on each row. */
export function keyValueTable(rows: readonly (readonly [string, string])[]): string[] {
  return ["| | |", "|---|---|", ...rows.map(([key, value]) => `| ${key} | ${escapeCell(value)} |`)];
}

/** A target's name as a link to its page in Dokploy. */
export function targetLink(target: TargetRow): string {
  return link(inlineCode(target.name), target.url);
}

/** The heading's text: the verdict and what it is about. */
export function headingOf(model: ReportModel): string {
  const { verdict, headline } = model;
  const more = headline.more > 0 ? ` and ${String(headline.more)} more` : "";
  return `${verdict.emoji} ${verdict.words}: ${inlineCode(headline.subject)}${more}`;
}

/**
 * The evidence of each red target as a collapsed block: each part under its title, the lines
 * fenced; at most `limit` characters of lines per target (the last ones: the end says most).
 * The block's first and last lines are raw HTML, each followed by a blank line.
 */
export function evidenceBlocks(model: ReportModel, limit: number): string[] {
  return model.evidence.flatMap(({ target, sections }) => {
    const share = Math.max(200, Math.floor(limit / Math.max(1, sections.length)));
    const parts = sections.flatMap((section) => {
      const heading = `**${section.title}**${section.subject ? ` ${inlineCode(section.subject)}` : ""}`;
      const note = section.note ? [`_${section.note.replace(/[_*`<>[\]]/g, "")}_`, ""] : [];
      const text = section.lines.join("\n");
      const kept = text.length > share ? `…${text.slice(text.length - share)}` : text;
      return [heading, "", ...note, ...(section.lines.length > 0 ? [...codeBlock(kept), ""] : [])];
    });
    // The blank line after </details> ends its raw HTML: what follows is markdown again.
    return ["", `<details><summary>What went wrong in ${htmlCode(target)}</summary>`, "", ...parts, "</details>", ""];
  });
}
