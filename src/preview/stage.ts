/*
 * The preview stages' work, loaded when a preview stage runs (it brings zod's schemas with it).
 */
import { PreviewProcedures, type PreviewTemplate } from "../dokploy/preview-procedures";
import type { ServiceRef } from "../dokploy/types";
import { timed } from "../record/context";
import { DeployError } from "../shared/errors";
import { closePreview, prunePreviews } from "./close";
import { type PreviewContext, keyOf } from "./context";
import type { OpenedPreview } from "./environment";
import { openPreview } from "./open";
import { openComposePreview } from "./open-compose";

function templateOf(template: ServiceRef | undefined): ServiceRef {
  if (!template) throw new DeployError("A preview copies one application or one compose service; none was given.");
  return template;
}

/** Makes or updates this pull request's preview of the template; its copy is the run's target from here. */
export function makePreview(ctx: PreviewContext, template: ServiceRef | undefined): Promise<OpenedPreview> {
  const ref = templateOf(template);
  return timed(ctx, "Make the preview", async () => {
    const api = new PreviewProcedures(ctx.dokploy.client);
    const key = keyOf(ctx, ref);
    return ref.kind === "compose"
      ? openComposePreview(ctx, api, key, await api.composes.templateCompose(ref.id))
      : openPreview(ctx, api, key, await api.templateApplication(ref.id));
  });
}

/** Removes this pull request's preview of the template (prune: every one past preview-ttl): only what carries the marker. */
export function removePreview(ctx: PreviewContext, template: ServiceRef | undefined): Promise<void> {
  const ref = templateOf(template);
  return timed(ctx, "Remove the preview", async () => {
    const api = new PreviewProcedures(ctx.dokploy.client);
    const found: PreviewTemplate =
      ref.kind === "compose" ? await api.composes.templateCompose(ref.id) : await api.templateApplication(ref.id);
    const key = keyOf(ctx, ref);
    await (key.options.mode === "prune" ? prunePreviews : closePreview)(ctx, api, key, found);
  });
}
