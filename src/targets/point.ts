import { snapshotDeployments } from "../dokploy/deploy";
import type { Before, TargetContext } from "./target";
import { writeTarget } from "./kinds";

/** The target points at our image; the deployments that were there before ours. */
export interface Pointed {
  /** What was saved: <image>:<tag>, or with @<digest> when pinned. */
  readonly image: string;
  readonly known: ReadonlySet<string>;
}

/**
 * Points the target at the image. The deployments there are now are read meanwhile, to tell
 * ours from them later; returned once both worked.
 */
export async function pointTarget(ctx: TargetContext, before: Before): Promise<Pointed> {
  const snapshot = snapshotDeployments(ctx.dokploy, ctx.ref);
  snapshot.catch(() => undefined);
  const image = await writeTarget(ctx, before);
  return { image, known: await snapshot };
}
