import { snapshotDeployments } from "../dokploy/deploy";
import type { Before, Checked, TargetContext } from "./target";
import { checkApplication, pointApplication } from "./application";
import { checkCompose, pointCompose } from "./compose";
import { verifyCompose } from "./stack";
import { watchStable } from "./stable";
import { verifyApplication } from "./verify";

/*
 * What differs between an application and a compose service: how it is read, how it is pointed
 * at the image, and how what runs is checked. Triggering and following are the same for both.
 */

/** Reads the target before anything changes: it exists, what it ran, and where. */
export function checkTarget(ctx: TargetContext): Promise<Checked> {
  return ctx.ref.kind === "application" ? checkApplication(ctx) : checkCompose(ctx);
}

/** After Dokploy says done: what really runs is ours, and (verify-stable) it keeps running. */
export async function verifyTarget(ctx: TargetContext, ours: string): Promise<void> {
  const watch = await (ctx.ref.kind === "application" ? verifyApplication(ctx, ours) : verifyCompose(ctx, ours));
  await watchStable(ctx, watch, ours);
}

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
  const image = await (ctx.ref.kind === "application" ? pointApplication(ctx, before) : pointCompose(ctx));
  return { image, known: await snapshot };
}
