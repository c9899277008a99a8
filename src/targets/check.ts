import type { ServiceRef } from "../dokploy/types";
import { timed } from "../record/context";
import { DeployError, errorMessage } from "../shared/errors";
import type { TargetsContext } from "./context";
import { checkTarget } from "./kinds";
import { type Before, type TargetContext, forTarget } from "./target";

/** Dokploy keeps deployment titles and descriptions, by which a run finds its own, since v0.25.0. */
const OLDEST_FOLLOWED = [0, 25, 0] as const;

/** The server's version; undefined when it does not say (older servers, or a key that may not ask). */
async function readVersion(ctx: TargetsContext): Promise<string | undefined> {
  try {
    const version = await ctx.dokploy.version();
    ctx.logger.info(`Dokploy ${version}`);
    return version;
  } catch (error) {
    ctx.logger.debug(`Dokploy did not say its version: ${errorMessage(error)}`);
    return undefined;
  }
}

/** Refuses a server too old to tell our deployment from others, before anything is pushed. */
function refuseOldVersion(version: string | undefined): void {
  const parts = /^v?(\d+)\.(\d+)\.(\d+)/
    .exec(version ?? "")
    ?.slice(1)
    .map(Number);
  if (!parts) return;
  for (const [i, part] of parts.entries()) {
    const oldest = OLDEST_FOLLOWED[i] ?? 0;
    if (part > oldest) return;
    if (part < oldest) {
      throw new DeployError(
        `Dokploy ${version ?? ""} does not keep deployment titles (v${OLDEST_FOLLOWED.join(".")} added them), so this step cannot tell its deployment from others. Upgrade Dokploy, or set wait to false to deploy without following.`,
      );
    }
  }
}

/** A target checked before the build is pushed: its context and what it ran before. */
export interface Prepared {
  readonly ctx: TargetContext;
  readonly before: Before;
}

/** The images the targets run now, as far as they run one: cache sources for the build. */
export function runningImages(prepared: readonly Prepared[]): string[] {
  return prepared.flatMap((p) => (p.before.image ? [p.before.image] : []));
}

/**
 * The key is accepted and every target exists (read beside the server's version, which
 * matters for following the deployment). Returns each target with what it ran before.
 */
export function checkTargets(ctx: TargetsContext, refs: readonly ServiceRef[]): Promise<Prepared[]> {
  const { config, ledger } = ctx;
  const several = refs.length > 1;
  return timed(
    ctx,
    several ? "Check Dokploy and the targets" : `Check Dokploy and the ${refs[0]?.kind ?? "target"}`,
    async () => {
      const checks = refs.map((ref) => {
        ledger.record({ kind: "target", targetKind: ref.kind, id: ref.id });
        const targetCtx = forTarget(ctx, ref, several);
        return checkTarget(targetCtx).then((before) => ({ ctx: targetCtx, before }));
      });
      const [prepared, version] = await Promise.all([Promise.all(checks), config.wait ? readVersion(ctx) : undefined]);
      refuseOldVersion(version);
      return prepared;
    },
    false,
  );
}
