import { type Connected, timed } from "../context";
import { snapshotDeployments } from "../dokploy/deploy";
import { DokployError } from "../errors";
import type { Before } from "./dokploy";
import { dockerProviderOf } from "./provider";

/** The application points at our image; the deployments that were there before ours. */
export interface Pointed {
  /** The dockerImage saved: <image>:<tag>, or with @<digest> when pinned. */
  readonly image: string;
  readonly known: ReadonlySet<string>;
}

/**
 * Points the application at the image (saveDockerProvider, all five keys). The deployments
 * there are now are read meanwhile, to tell ours from them later; returned once both worked.
 */
export async function pointApplication(ctx: Connected, before: Before): Promise<Pointed> {
  const { config, logger, result, ledger } = ctx;
  const snapshot = snapshotDeployments(ctx.dokploy, config.applicationId);
  snapshot.catch(() => undefined);
  const provider = dockerProviderOf(config, result.digest);
  await timed(ctx, "Point the application at the image", async () => {
    const change = { application: result.applicationName ?? config.applicationId, from: before.was };
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
      `Application ${config.applicationId} now runs ${result.image}${config.pull ? ` (pulled as ${config.pull.username})` : " (public image)"}`,
    );
  });
  return { image: provider.dockerImage, known: await snapshot };
}
