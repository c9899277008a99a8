import { rollBack } from "../dokploy/deploy";
import { WaitTimeoutError } from "../dokploy/wait";
import { type DeployError, DeploymentFailedError, HealthCheckError, UnstableError } from "../shared/errors";
import type { TargetBefore } from "../record/entries";
import { writeVariables } from "./compose";
import { type TargetContext, targetName, timedTarget } from "./target";
import { followOptions } from "./deployment";

/**
 * Failures after which the previous image is put back: the deployment, the health check or the
 * verify-stable window failed.
 */
export function isDeploymentFailure(error: unknown): error is DeployError {
  return (
    error instanceof WaitTimeoutError ||
    error instanceof HealthCheckError ||
    error instanceof DeploymentFailedError ||
    error instanceof UnstableError
  );
}

/** What writes the target back, from what the ledger says it was. */
function writeBack(ctx: TargetContext, restore: NonNullable<TargetBefore["restore"]>): () => Promise<void> {
  if ("provider" in restore) return () => ctx.dokploy.saveDockerProvider(restore.provider);
  return async () => {
    await writeVariables(ctx, restore.variables);
  };
}

/**
 * Puts the target back as the ledger says it was before this run, and redeploys that; returns
 * a sentence saying how it went (also when there was nothing to go back to). Never throws.
 */
export async function rollBackTarget(ctx: TargetContext): Promise<string> {
  const { logger, ledger } = ctx;
  const { restore, was } = ledger.before(ctx.ref.id) ?? {};
  const who = ctx.several ? `${targetName(ctx)}: ` : "";
  if (!restore || !was) {
    const what =
      ctx.ref.kind === "application"
        ? "the application did not run a Docker image"
        : `the compose's environment had no ${ctx.config.imageVariable} or ${ctx.config.tagVariable}`;
    const outcome = `${who}Nothing to roll back to: ${what} before this deployment.`;
    logger.warn(outcome);
    return outcome;
  }
  const outcome = await timedTarget(ctx, "Roll back", () =>
    rollBack(
      ctx.dokploy,
      { source: ctx.ref, was, restore: writeBack(ctx, restore), policy: ctx.policy, follow: followOptions(ctx) },
      { ...ctx.ports, ...ctx.retryPorts },
    ),
  );
  ledger.record({ kind: "rollback", to: was, outcome: `${who}${outcome}` });
  logger.warn(outcome);
  return `${who}${outcome}`;
}
