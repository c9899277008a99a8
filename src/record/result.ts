import type { OutputName, TargetKind } from "../config/config";
import type { EvidenceSection } from "./entries";

/** What a red target left to see, by the target's name. */
export interface Evidence {
  readonly target: string;
  readonly sections: readonly EvidenceSection[];
}

/** One target's part of the result: where the image went and how its deployment ended. */
export interface TargetResult {
  readonly kind: TargetKind;
  readonly id: string;
  name?: string;
  /** Its page in Dokploy's dashboard. */
  url?: string;
  deploymentId?: string;
  deploymentStatus?: string;
  /** Why it failed, when it did. */
  error?: string;
}

export interface Timing {
  readonly step: string;
  readonly seconds: number;
}

/** What a run found out and did, as far as it got: the outputs, the summary, the timings (read from the ledger by resultOf). */
export interface Result {
  readonly image: string;
  readonly tag: string;
  digest?: string;
  registryId?: string;
  /** Every target, in the order given; the single-value outputs below are the first one's. */
  readonly targets: TargetResult[];
  deploymentId?: string;
  deploymentStatus?: string;
  applicationUrl?: string;
  applicationName?: string;
  /** Last health check answer, e.g. "200 in 34 ms". */
  health?: string;
  /** The preview's address, once it has a domain. */
  previewUrl?: string;
  imageId?: string;
  /** The build's metadata JSON (buildx). */
  metadata?: string;
  readonly timings: Timing[];
  /** The plan printed by a dry run. */
  plan?: string[];
  /** What each red target left to see, in the order gathered. */
  readonly evidence?: readonly Evidence[];
}

/** What a run returns: the result so far, the error that ended it, and what it changed in Dokploy. */
export interface Outcome {
  readonly result: Result;
  readonly error?: Error;
  /** Sentences from the ledger: what this run changed in Dokploy, oldest first. */
  readonly changes: readonly string[];
}

export function outputsOf(result: Result): Record<OutputName, string> {
  return {
    image: result.image,
    tag: result.tag,
    digest: result.digest ?? "",
    "image-ref-digest": result.digest ? `${result.image.slice(0, result.image.lastIndexOf(":"))}@${result.digest}` : "",
    "registry-id": result.registryId ?? "",
    "deployment-id": result.deploymentId ?? "",
    "deployment-status": result.deploymentStatus ?? "",
    "application-url": result.applicationUrl ?? "",
    targets: JSON.stringify(
      result.targets.map((t) => ({
        kind: t.kind,
        id: t.id,
        name: t.name ?? null,
        url: t.url ?? null,
        "deployment-id": t.deploymentId ?? null,
        "deployment-status": t.deploymentStatus ?? null,
      })),
    ),
    "preview-url": result.previewUrl ?? "",
    health: result.health ?? "",
    imageid: result.imageId ?? "",
    metadata: result.metadata ?? "",
  };
}
