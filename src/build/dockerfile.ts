/** The Dockerfile as text: where the classic builder gets its labels, and what it pulls. */
import { normalizeRegistryHost, registryOfReference } from "../shared/image";

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

/** The labels of a classic build, by where they go in its Dockerfile. */
export interface ClassicLabels {
  /**
   * Right after the built stage's FROM, where the classic builder caches the step with the base
   * image: labels that stay the same from one commit to the next.
   */
  readonly afterFrom: readonly string[];
  /** At the end of the built stage: labels that may change with every build. */
  readonly atEnd: readonly string[];
}

/** One `LABEL k="v" …` line of labels (KEY=VALUE), quoted for the Dockerfile's escape character. */
function labelLine(labels: readonly string[], escape: string): string {
  const pairs = labels.map((label) => {
    const eq = label.indexOf("=");
    return `${quoteLabelPart(label.slice(0, eq), escape)}=${quoteLabelPart(label.slice(eq + 1), escape)}`;
  });
  return `LABEL ${pairs.join(" ")}`;
}

/**
 * The Dockerfile with the classic build's labels in the stage that is built (the --target stage,
 * else the last one): one LABEL line right after its FROM, one at its end (each only when it has
 * labels). The classic builder costs every LABEL a container and a commit; right after FROM that
 * step is cached, at the end it runs whenever anything before it changed. Undefined when this
 * cannot be done safely: no FROM, the target stage is not found, or the file ends inside a
 * continued line.
 */
export function dockerfileWithLabels(text: string, labels: ClassicLabels, target?: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const escape = dockerfileEscape(lines);
  let continued = false;
  let inTarget = false;
  let found = target === undefined;
  /** The line after the built stage's FROM instruction (its continued lines included). */
  let afterFromAt: number | undefined;
  let fromOpen = false;
  let endAt: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const trimmed = (lines[i] ?? "").trim();
    if (!continued && /^from\s/i.test(trimmed)) {
      if (inTarget && endAt === undefined) endAt = i;
      const name = /\sas\s+(\S+)$/i.exec(trimmed)?.[1];
      inTarget = target !== undefined && name?.toLowerCase() === target.toLowerCase();
      if (inTarget) found = true;
      // Without a target the last stage is built: each FROM may be its start.
      fromOpen = endAt === undefined && (inTarget || target === undefined);
    }
    // Comments and blank lines neither start nor end a continued instruction.
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    continued = trimmed.endsWith(escape);
    if (fromOpen && !continued) {
      afterFromAt = i + 1;
      fromOpen = false;
    }
  }
  if (!found || continued || afterFromAt === undefined) return undefined;
  let at = endAt ?? lines.length;
  while (at > afterFromAt && (lines[at - 1] ?? "").trim() === "") at -= 1;
  const out = [...lines];
  if (labels.atEnd.length > 0) out.splice(at, 0, labelLine(labels.atEnd, escape));
  if (labels.afterFrom.length > 0) out.splice(afterFromAt, 0, labelLine(labels.afterFrom, escape));
  return out.join("\n");
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
