import { type Connected, timed } from "../context";
import { rollBack } from "../dokploy/deploy";
import { WaitTimeoutError } from "../dokploy/wait";
import { CancelledError, type DeployError, DeploymentFailedError, HealthCheckError } from "../errors";
import type { Before } from "./dokploy";
import { followOptions } from "./deployment";

/** Failures after which the previous image is put back: the deployment or the health check failed. */
export function isDeploymentFailure(error: unknown): error is DeployError {
  return (
    error instanceof WaitTimeoutError || error instanceof HealthCheckError || error instanceof DeploymentFailedError
  );
}

/**
 * With rollback-on-failure, points the application back at what it ran before and redeploys
 * it; says how that went at the end of the failure's message.
 */
export async function rollBackAfter(ctx: Connected, before: Before, failure: DeployError): Promise<void> {
  const { config, logger, ledger } = ctx;
  if (!config.rollbackOnFailure || failure instanceof CancelledError) return;
  const previous = before.provider;
  const outcome = previous
    ? await timed(ctx, "Roll back", () =>
        rollBack(
          ctx.dokploy,
          { previous, policy: ctx.policy, follow: followOptions(ctx) },
          {
            ...ctx.ports,
            ...ctx.retryPorts,
          },
        ),
      )
    : "Nothing to roll back to: the application did not run a Docker image before this deployment.";
  if (previous) ledger.record({ kind: "rollback", to: previous.dockerImage, outcome });
  logger.warn(outcome);
  failure.message = `${failure.message}\n${outcome}`;
}
