import type { OutputName } from "./config";

export interface Timing {
  readonly step: string;
  readonly seconds: number;
}

/** What a run found out and did, as far as it got: the outputs, the summary, the timings. */
export interface Result {
  readonly image: string;
  readonly tag: string;
  digest?: string;
  registryId?: string;
  deploymentId?: string;
  deploymentStatus?: string;
  applicationUrl?: string;
  applicationName?: string;
  /** Last health check answer, e.g. "200 in 34 ms". */
  health?: string;
  imageId?: string;
  /** The build's metadata JSON (buildx). */
  metadata?: string;
  readonly timings: Timing[];
  /** The plan printed by a dry run. */
  plan?: string[];
  /** How the registry served the deploy tag to the push credentials, read when the extra tags were put. */
  servedToPush?: { readonly digest: string; readonly mediaType: string };
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
    health: result.health ?? "",
    imageid: result.imageId ?? "",
    metadata: result.metadata ?? "",
  };
}
