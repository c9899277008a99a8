import type { ServiceRef } from "../dokploy/types";
import { OLDEST_SUPPORTED, WHY_NOT_OLDER, isOlderThan } from "../dokploy/version";
import { timed } from "../record/context";
import { DeployError, errorMessage } from "../shared/errors";
import type { TargetsContext } from "./context";
import { checkTarget } from "./kinds";
import { type Checked, type TargetContext, forTarget } from "./target";

/** The server's version; undefined when it does not say (a key that may not ask, a proxy). */
async function readVersion(ctx: TargetsContext): Promise<string | undefined> {
  try {
    const version = await ctx.dokploy.version();
    ctx.logger.info(`Dokploy ${version}`);
    return version;
  } catch (error) {
    ctx.logger.info(
      `Dokploy did not say its version (${errorMessage(error)}): going on as if it is ${OLDEST_SUPPORTED} or newer, the oldest this step supports.`,
    );
    return undefined;
  }
}

/** Refuses a server older than the oldest supported, before anything is pushed or changed. */
function refuseOldVersion(ctx: TargetsContext, version: string | undefined): void {
  if (version === undefined) return;
  const older = isOlderThan(version);
  if (older === undefined) {
    ctx.logger.info(
      `Dokploy's version "${version}" is not one this step can read: going on as if it is ${OLDEST_SUPPORTED} or newer, the oldest this step supports.`,
    );
  } else if (older) {
    throw new DeployError(
      `Dokploy ${version} is older than ${OLDEST_SUPPORTED}, the oldest release this step supports: ${WHY_NOT_OLDER}. Upgrade Dokploy to ${OLDEST_SUPPORTED} or newer.`,
    );
  }
}

/** A target checked before the build is pushed: its context, what it ran before, and where it runs. */
export interface Prepared extends Checked {
  readonly ctx: TargetContext;
}

/** The images the targets run now, as far as they run one: cache sources for the build. */
export function runningImages(prepared: readonly Prepared[]): string[] {
  return prepared.flatMap((p) => (p.before.image ? [p.before.image] : []));
}

/**
 * The key is accepted, every target exists and the server is not older than the oldest
 * supported (read beside). Returns each target with what it ran before.
 */
export function checkTargets(ctx: TargetsContext, refs: readonly ServiceRef[]): Promise<Prepared[]> {
  const { ledger } = ctx;
  const several = refs.length > 1;
  return timed(
    ctx,
    several ? "Check Dokploy and the targets" : `Check Dokploy and the ${refs[0]?.kind ?? "target"}`,
    async () => {
      const checks = refs.map((ref) => {
        ledger.record({ kind: "target", targetKind: ref.kind, id: ref.id });
        const targetCtx = forTarget(ctx, ref, several);
        return checkTarget(targetCtx).then((checked) => ({ ctx: targetCtx, ...checked }));
      });
      const [prepared, version] = await Promise.all([Promise.all(checks), readVersion(ctx)]);
      refuseOldVersion(ctx, version);
      return prepared;
    },
    false,
  );
}
