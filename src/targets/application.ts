import { DokployError } from "../shared/errors";
import { machineOf } from "../dokploy/types";
import { type Before, type Checked, type TargetContext, targetName, timedTarget } from "./target";
import { dockerProviderOf, previousProvider } from "./provider";
import { checkSource } from "./source";
import { maskEnvironment } from "./env-secrets";

/** The application exists; records and returns what it ran before, what puts that back, and where it runs. */
export async function checkApplication(ctx: TargetContext): Promise<Checked> {
  const { config, logger, redactor, ref } = ctx;
  const app = await ctx.dokploy.applicationOne(ref.id);
  // application.one answers with the pull password in plain text: mask it wherever it is printed.
  redactor.addFound(app.password);
  // The container may print its environment (its log is shown on a failure): mask its values too.
  maskEnvironment(redactor, app);
  const url = ctx.remote.applicationUrl(config.dokployUrl, app);
  const server = app.serverId ?? undefined;
  ctx.ledger.record({ kind: "target", targetKind: ref.kind, id: ref.id, name: app.name, url, server });
  logger.info(`Application "${app.name}" (${ref.id}), source ${app.sourceType ?? "unknown"}: ${url}`);
  // A preview only reads its template and deploys to a copy of its own: no source is switched.
  if (!config.preview) checkSource(app, config, logger, ctx.image);
  const provider = previousProvider(app);
  const before: Before = {
    was: provider?.dockerImage ?? (app.sourceType ? `its ${app.sourceType} source` : undefined),
    image: provider?.dockerImage,
    restore: provider ? { provider } : undefined,
  };
  ctx.ledger.record({ kind: "target", targetKind: ref.kind, id: ref.id, before });
  return { before, machine: machineOf(app) };
}

/** Points the application at the image (saveDockerProvider, all five keys); returns the image saved. */
export async function pointApplication(ctx: TargetContext, before: Before): Promise<string> {
  const { config, logger, image, ledger, ref } = ctx;
  const provider = dockerProviderOf(config, ref.id, ledger.digest(image));
  await timedTarget(ctx, "Point the application at the image", async () => {
    const change = { application: targetName(ctx), target: ref.id, from: before.was };
    try {
      await ctx.dokploy.saveDockerProvider(provider);
    } catch (error) {
      // An answer lost after the request was sent: Dokploy may have carried it out.
      if (error instanceof DokployError && error.ambiguous) {
        ledger.record({ kind: "provider", ...change, to: provider.dockerImage, uncertain: true });
      }
      throw error;
    }
    ledger.record({ kind: "provider", ...change, to: provider.dockerImage });
    logger.info(
      `Application ${ref.id} now runs ${image}${config.pull ? ` (pulled as ${config.pull.username})` : " (public image)"}`,
    );
  });
  return provider.dockerImage;
}
