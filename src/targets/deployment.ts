import { triggerDeployment } from "../dokploy/deploy";
import type { Deployment } from "../dokploy/procedures";
import {
  type FollowOptions,
  type LogListener,
  UnknownStatusError,
  WaitTimeoutError,
  followDeployment,
} from "../dokploy/wait";
import { DeploymentFailedError, DokployError } from "../shared/errors";
import type { Change } from "../record/ledger";
import { type TargetContext, targetName, timedTarget } from "./target";

type Triggered = Extract<Change, { kind: "deployment" }>;

/** Queues our deployment in Dokploy, with our title; never sent twice by one run. */
export async function triggerOurDeployment(ctx: TargetContext, known: ReadonlySet<string>): Promise<Triggered> {
  const { config, logger, ledger, target } = ctx;
  const change: Triggered = {
    kind: "deployment",
    method: config.deployMethod,
    title: config.deployTitle,
    url: target.url ?? config.dokployUrl,
    ...(ctx.several ? { target: targetName(target) } : {}),
  };
  await timedTarget(ctx, `Trigger ${config.deployMethod}`, async () => {
    const trigger = {
      method: config.deployMethod,
      source: ctx.ref,
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
  target.deploymentStatus = "queued";
  return change;
}

/** How to follow a deployment of this target: the limit, where to look, the live log. */
export function followOptions(ctx: TargetContext): Omit<FollowOptions, "known" | "title" | "source"> {
  const { config, target } = ctx;
  // Loads while the first look at the deployments is under way.
  const stream = ctx.remote.liveLog();
  stream.catch(() => undefined);
  return {
    timeoutMs: config.waitTimeoutSeconds * 1000,
    applicationUrl: target.url ?? config.dokployUrl,
    openLog: async (deployment: Deployment, listener: LogListener) =>
      deployment.logPath
        ? (await stream)({
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
  ctx: TargetContext,
  known: ReadonlySet<string>,
  triggered: Triggered,
): Promise<void> {
  const { config, result, logger, target } = ctx;
  const follow = followOptions(ctx);
  const seen = (deployment: Deployment) => {
    target.deploymentId = triggered.deploymentId = deployment.deploymentId;
    target.deploymentStatus = triggered.status = deployment.status;
  };
  try {
    const { deployment, tail } = await timedTarget(ctx, "Wait for the deployment", () =>
      followDeployment(
        ctx.dokploy,
        { ...follow, source: ctx.ref, known, title: config.deployTitle, token: ctx.runToken, onStatus: seen },
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
      target.deploymentId = error.deployment?.deploymentId;
      target.deploymentStatus = "timeout";
    } else if (error instanceof UnknownStatusError) {
      seen(error.deployment);
      target.deploymentStatus = "unknown";
    }
    throw error;
  }
}
