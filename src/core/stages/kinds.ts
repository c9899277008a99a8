import type { Before, TargetContext } from "../target";
import { checkApplication, pointApplication } from "./application";
import { verifyApplication } from "./verify";

/** Reads the target before anything changes: it exists, and what it ran. */
export function checkTarget(ctx: TargetContext): Promise<Before> {
  return checkApplication(ctx);
}

/** After Dokploy says done: what really runs is ours. */
export function verifyTarget(ctx: TargetContext, ours: string): Promise<void> {
  return verifyApplication(ctx, ours);
}

/** Points the target at our image; returns the image saved. */
export function writeTarget(ctx: TargetContext, before: Before): Promise<string> {
  return pointApplication(ctx, before);
}
