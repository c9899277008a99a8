/** The Dockerfile as text: the labels the classic builder gets in one line, and what it pulls. */
import { normalizeRegistryHost, registryOfReference } from "./image";

/**
 * A label key or value in double quotes, as the Dockerfile parser reads it: its escape
 * character (\\ or a backtick, per `# escape=`) before ", $ and itself, so nothing is expanded
 * or ends the quotes early.
 */
function quoteLabelPart(text: string, escape: string): string {
  const special = escape === "`" ? /[`"$]/g : /[\\"$]/g;
  return `"${text.replace(special, (c) => `${escape}${c}`).replace(/\r?\n/g, " ")}"`;
}

/** The escape character a Dockerfile sets with its `# escape=` parser directive (\\ if none). */
export function dockerfileEscape(lines: readonly string[]): string {
  for (const line of lines) {
    const directive = /^\s*#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
    if (!directive) break;
    if (directive[1]?.toLowerCase() === "escape" && (directive[2] === "`" || directive[2] === "\\"))
      return directive[2];
  }
  return "\\";
}

/**
 * The Dockerfile with one `LABEL k="v" …` line at the end of the stage that is built (the
 * --target stage, else the last one). Undefined when that cannot be done safely: the target
 * stage is not found, or the file ends inside a continued line.
 */
export function dockerfileWithLabels(text: string, labels: readonly string[], target?: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const escape = dockerfileEscape(lines);
  let continued = false;
  let inTarget = false;
  let found = target === undefined;
  let insertAt: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const trimmed = (lines[i] ?? "").trim();
    if (!continued && /^from\s/i.test(trimmed)) {
      if (inTarget && insertAt === undefined) insertAt = i;
      const name = /\sas\s+(\S+)$/i.exec(trimmed)?.[1];
      inTarget = target !== undefined && name?.toLowerCase() === target.toLowerCase();
      if (inTarget) found = true;
    }
    // Comments and blank lines neither start nor end a continued instruction.
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    continued = trimmed.endsWith(escape);
  }
  if (!found || continued) return undefined;
  const line = `LABEL ${labels
    .map((label) => {
      const eq = label.indexOf("=");
      return `${quoteLabelPart(label.slice(0, eq), escape)}=${quoteLabelPart(label.slice(eq + 1), escape)}`;
    })
    .join(" ")}`;
  let at = insertAt ?? lines.length;
  while (at > 0 && (lines[at - 1] ?? "").trim() === "") at -= 1;
  return [...lines.slice(0, at), line, ...lines.slice(at)].join("\n");
}

/**
 * Whether a Dockerfile pulls anything (FROM, COPY --from) from `registry`: then the build needs
 * the login first. Stage names count as Docker Hub images here, which errs on the safe side.
 */
export function pullsFrom(dockerfile: string, registry: string): boolean {
  const host = normalizeRegistryHost(registry);
  const images: string[] = [];
  for (const line of dockerfile.split(/\r?\n/)) {
    const from = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(line);
    if (from?.[1]) images.push(from[1]);
    for (const copy of line.matchAll(/--from=(\S+)/gi)) if (copy[1]) images.push(copy[1]);
  }
  return images.some((image) => registryOfReference(image) === host);
}
