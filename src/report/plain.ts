/** The report as one line of plain text: the CLI's last line (GitLab, Bitbucket, a shell). */
import type { ReportModel, TargetRow } from "./model";

function statusOf(target: TargetRow): string {
  return target.deploymentStatus === "done" ? "deployment done" : (target.deploymentStatus ?? "");
}

/** What follows the image: where it would go, where it went and how that ended, or nothing. */
function whereTo(model: ReportModel): string {
  const targets = model.deploying?.targets ?? [];
  if (targets.length === 0) return "";
  if (model.verdict.kind === "dry-run") return ` would be deployed to ${targets.map((t) => t.label).join(", ")}`;
  return ` to ${targets.map((t) => (t.deploymentStatus ? `${t.label} (${statusOf(t)})` : t.label)).join(", ")}`;
}

/**
 * The verdict in the words of the job summary, then the image and where it went, e.g.
 * "✔ Deployed: ghcr.io/acme/web:3f2c1ab to web (deployment done)".
 */
export function plainLine(model: ReportModel): string {
  const { verdict, removal } = model;
  // A removal built no image: it names the preview and its template instead.
  if (removal) {
    const templates = (model.deploying?.targets ?? []).map((t) => t.label).join(", ");
    return `${verdict.mark} ${verdict.words}: ${removal.name ? `${removal.name} of ` : "previews of "}${templates}`;
  }
  return `${verdict.mark} ${verdict.words}: ${model.image}${whereTo(model)}`;
}
