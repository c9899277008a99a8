import type { Before, TargetContext } from "./target";
import { checkApplication, pointApplication } from "./application";
import { checkCompose, pointCompose } from "./compose";
import { verifyCompose } from "./stack";
import { verifyApplication } from "./verify";

/*
 * What differs between an application and a compose service: how it is read, how it is pointed
 * at the image, and how what runs is checked. Triggering and following are the same for both.
 */

/** Reads the target before anything changes: it exists, and what it ran. */
export function checkTarget(ctx: TargetContext): Promise<Before> {
  return ctx.ref.kind === "application" ? checkApplication(ctx) : checkCompose(ctx);
}

/** Points the target at our image; returns the image saved. */
export function writeTarget(ctx: TargetContext, before: Before): Promise<string> {
  return ctx.ref.kind === "application" ? pointApplication(ctx, before) : pointCompose(ctx);
}

/** After Dokploy says done: what really runs is ours. */
export function verifyTarget(ctx: TargetContext, ours: string): Promise<void> {
  return ctx.ref.kind === "application" ? verifyApplication(ctx, ours) : verifyCompose(ctx, ours);
}
