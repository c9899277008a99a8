import { type Connected, timed } from "../context";
import { triggerDeployment } from "../dokploy/deploy";
import type { Deployment } from "../dokploy/procedures";
import {
  type FollowOptions,
  type LogListener,
  UnknownStatusError,
  WaitTimeoutError,
  followDeployment,
} from "../dokploy/wait";
import { DeploymentFailedError, DokployError } from "../errors";
import type { Change } from "../ledger";

type Triggered = Extract<Change, { kind: "deployment" }>;

/** Queues our deployment in Dokploy, with our title; never sent twice by one run. */
export async function triggerOurDeployment(ctx: Connected, known: ReadonlySet<string>): Promise<Triggered> {
  const { config, logger, result, ledger } = ctx;
  const change: Triggered = {
    kind: "deployment",
    method: config.deployMethod,
    title: config.deployTitle,
    url: result.applicationUrl ?? config.dokployUrl,
  };
  await timed(ctx, `Trigger ${config.deployMethod}`, async () => {
    const trigger = {
      method: config.deployMethod,
      applicationId: config.applicationId,
      title: config.deployTitle,
      description: config.deployDescription,
      token: ctx.runToken,
    };
    try {
      await triggerDeployment(ctx.dokploy, trigger, known, ctx.policy, ctx.retryPorts);
    } catch (error) {
      if (error instanceof DokployError && error.ambiguous) ledger.record({ ...change, status: "uncertain" });
      throw error;
    }
    ledger.record(change);
    logger.info(`Dokploy queued the ${config.deployMethod} "${config.deployTitle}"`);
  });
  result.deploymentStatus = "queued";
  return change;
}

/** How to follow a deployment of this application: the limit, where to look, the live log. */
export function followOptions(ctx: Connected): Omit<FollowOptions, "known" | "title" | "applicationId"> {
  const { config, result } = ctx;
  return {
    timeoutMs: config.waitTimeoutSeconds * 1000,
    applicationUrl: result.applicationUrl ?? config.dokployUrl,
    openLog: (deployment: Deployment, listener: LogListener) =>
      deployment.logPath
        ? ctx.remote.streamDeploymentLog({
            baseUrl: config.dokployUrl,
            apiKey: config.apiKey,
            logPath: deployment.logPath,
            serverId: deployment.serverId,
            logger: ctx.logger,
            redactor: ctx.redactor,
            ...listener,
          })
        : undefined,
  };
}

/**
 * Follows our deployment to its end, its log streaming into the CI log. Throws a DeployError
 * (with the log's last lines) when it did not end `done`, or a WaitTimeoutError.
 */
export async function followOurDeployment(
  ctx: Connected,
  known: ReadonlySet<string>,
  triggered: Triggered,
): Promise<void> {
  const { config, result, logger } = ctx;
  const follow = followOptions(ctx);
  const seen = (deployment: Deployment) => {
    result.deploymentId = triggered.deploymentId = deployment.deploymentId;
    result.deploymentStatus = triggered.status = deployment.status;
  };
  try {
    const { deployment, tail } = await timed(ctx, "Wait for the deployment", () =>
      followDeployment(
        ctx.dokploy,
        {
          ...follow,
          applicationId: config.applicationId,
          known,
          title: config.deployTitle,
          token: ctx.runToken,
          onStatus: seen,
        },
        ctx.ports,
      ),
    );
    seen(deployment);
    if (deployment.status === "done") {
      logger.info(`Deployment ${deployment.deploymentId} is done in Dokploy.`);
      return;
    }
    const lines = tail.length > 0 ? `\nLast lines of its log:\n${tail.join("\n")}` : "";
    throw new DeploymentFailedError(
      `Deployment ${deployment.deploymentId} of ${result.image} ended with status "${deployment.status}".${lines}\nSee ${follow.applicationUrl}`,
    );
  } catch (error) {
    if (error instanceof WaitTimeoutError) {
      result.deploymentId = error.deployment?.deploymentId;
      result.deploymentStatus = "timeout";
    } else if (error instanceof UnknownStatusError) {
      seen(error.deployment);
      result.deploymentStatus = "unknown";
    }
    throw error;
  }
}
