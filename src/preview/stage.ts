/*
 * The preview stages' work, loaded when a preview stage runs (it brings zod's schemas with it).
 */
import { PreviewProcedures } from "../dokploy/preview-procedures";
import type { ServiceRef } from "../dokploy/types";
import { timed } from "../record/context";
import { DeployError } from "../shared/errors";
import { closePreview, prunePreviews } from "./close";
import { type PreviewContext, keyOf } from "./context";
import { type OpenedPreview, openPreview } from "./open";

function applicationOnly(template: ServiceRef | undefined): ServiceRef {
  if (template?.kind !== "application") {
    throw new DeployError("A preview copies one application; its template must be an application.");
  }
  return template;
}

/** Makes or updates this pull request's preview of the template; its application is the run's target from here. */
export function makePreview(ctx: PreviewContext, template: ServiceRef | undefined): Promise<OpenedPreview> {
  const ref = applicationOnly(template);
  return timed(ctx, "Make the preview", async () => {
    const api = new PreviewProcedures(ctx.dokploy.client);
    const app = await api.templateApplication(ref.id);
    return openPreview(ctx, api, keyOf(ctx, ref), app);
  });
}

/** Removes this pull request's preview of the template (prune: every one past preview-ttl): only what carries the marker. */
export function removePreview(ctx: PreviewContext, template: ServiceRef | undefined): Promise<void> {
  const ref = applicationOnly(template);
  return timed(ctx, "Remove the preview", async () => {
    const api = new PreviewProcedures(ctx.dokploy.client);
    const app = await api.templateApplication(ref.id);
    const key = keyOf(ctx, ref);
    await (key.options.mode === "prune" ? prunePreviews : closePreview)(ctx, api, key, app);
  });
}
