/*
 * The marker the step writes into the description of a preview's environment and of every
 * service it makes there. It is the only thing by which a preview is found again and the only
 * licence to remove anything: a name alone never counts, and a description that does not
 * parse exactly is not ours.
 */

/** Which template a preview copies: the kind and id of the template's service. */
export interface TemplateKey {
  readonly kind: "application" | "compose";
  readonly id: string;
}

export interface Marker {
  /** The pull request's number. */
  readonly pr: string;
  /** The CI's repository, e.g. acme/web; "" when the CI does not say it. */
  readonly repo: string;
  readonly template: TemplateKey;
  /** When the preview was made, ISO 8601. */
  readonly created: string;
  /** When an image was last deployed to it, ISO 8601; none before the first deploy. */
  readonly deployed?: string;
  /** The first 7 characters of the commit last deployed. */
  readonly sha?: string;
}

const PREFIX = "dokploy-deploy preview v1";
const ISO = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z`;
const ID = String.raw`[A-Za-z0-9_-]+`;
const MARKER = new RegExp(
  `^${PREFIX} pr=([1-9]\\d{0,9}) repo=(\\S*) template=(application|compose):(${ID}) created=(${ISO})` +
    `(?: deployed=(${ISO})(?: sha=([0-9a-f]{7}))?)?$`,
);

/** The marker as written: one line, fields in a fixed order, the repository URI-encoded (no spaces). */
export function formatMarker(marker: Marker): string {
  const fields = [
    PREFIX,
    `pr=${marker.pr}`,
    `repo=${encodeURIComponent(marker.repo)}`,
    `template=${marker.template.kind}:${marker.template.id}`,
    `created=${marker.created}`,
  ];
  if (marker.deployed !== undefined) fields.push(`deployed=${marker.deployed}`);
  // A CI that gives no full commit hash gets none written: the marker must always read back.
  const sha = marker.sha?.slice(0, 7).toLowerCase();
  if (marker.deployed !== undefined && sha !== undefined && /^[0-9a-f]{7}$/.test(sha)) fields.push(`sha=${sha}`);
  return fields.join(" ");
}

/** The marker a description holds; undefined unless it is one, exactly as formatMarker writes it. */
export function parseMarker(description: string | null | undefined): Marker | undefined {
  const match = MARKER.exec(description ?? "");
  if (!match) return undefined;
  const [, pr, repo, kind, id, created, deployed, sha] = match;
  if (pr === undefined || repo === undefined || id === undefined || created === undefined) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(repo);
  } catch {
    return undefined;
  }
  if (encodeURIComponent(decoded) !== repo) return undefined;
  return {
    pr,
    repo: decoded,
    template: { kind: kind === "compose" ? "compose" : "application", id },
    created,
    ...(deployed !== undefined ? { deployed } : {}),
    ...(sha !== undefined ? { sha } : {}),
  };
}

/** Whether the marker is of this template and repository: one of this template's previews. */
export function isOfTemplate(marker: Marker | undefined, repo: string, template: TemplateKey): marker is Marker {
  return marker?.repo === repo && marker.template.kind === template.kind && marker.template.id === template.id;
}

/** Whether the marker is this pull request's preview of this template. */
export function isPreviewOf(
  marker: Marker | undefined,
  repo: string,
  template: TemplateKey,
  pr: string,
): marker is Marker {
  return isOfTemplate(marker, repo, template) && marker.pr === pr;
}
