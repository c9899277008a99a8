import type { Ledger } from "./ledger";
import type { Result } from "./result";

/**
 * The result as the ledger tells it: every output, the summary and the comment come from here.
 * The single-value deployment fields are the first target's, as the outputs have always had them.
 */
export function resultOf(ledger: Ledger, image: string, tag: string): Result {
  const entries = ledger.entries;
  const last = <K extends (typeof entries)[number]["kind"]>(kind: K) =>
    entries.findLast((e) => e.kind === kind) as Extract<(typeof entries)[number], { kind: K }> | undefined;
  const targets = ledger.targets();
  const [first] = targets;
  const built = last("built");
  return {
    image,
    tag,
    digest: ledger.digest(image),
    registryId: last("registry-id")?.registryId,
    targets,
    deploymentId: first?.deploymentId,
    deploymentStatus: first?.deploymentStatus,
    applicationUrl: first?.url,
    applicationName: first?.name,
    health: last("health")?.answer,
    previewUrl: last("preview")?.url,
    imageId: built?.imageId,
    metadata: built?.metadata,
    timings: entries.flatMap((e) => (e.kind === "timing" ? [{ step: e.step, seconds: e.seconds }] : [])),
    plan: last("plan")?.lines.slice(),
    evidence: entries.flatMap((e) =>
      e.kind === "evidence"
        ? [{ target: targets.find((t) => t.id === e.target)?.name ?? e.target, sections: e.sections }]
        : [],
    ),
  };
}
