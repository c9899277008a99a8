import { triggerDeployment } from "../dokploy/deploy";
import { readDeploymentLog } from "../dokploy/deployment-log";
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
import { type TargetContext, recordStatus, targetName, targetOf, timedTarget } from "./target";

type Triggered = Extract<Change, { kind: "deployment" }>;

/** Queues our deployment in Dokploy, with our title; never sent twice by one run. */
export async function triggerOurDeployment(ctx: TargetContext, known: ReadonlySet<string>): Promise<Triggered> {
  const { config, logger, ledger } = ctx;
  const change: Triggered = {
    kind: "deployment",
    targetId: ctx.ref.id,
    method: config.deployMethod,
    title: config.deployTitle,
    url: targetOf(ctx).url ?? config.dokployUrl,
    ...(ctx.several ? { target: targetName(ctx) } : {}),
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
  recordStatus(ctx, "queued");
  return change;
}

/**
 * Where Dokploy wrote the deployment's log, as its own dashboard asks for it: the build server,
 * else the server the target runs on (a deployment row of a target names no server), else the
 * Dokploy host.
 */
function logServer(ctx: TargetContext, deployment: Deployment): string | undefined {
  return deployment.buildServerId ?? deployment.serverId ?? ctx.ledger.server(ctx.ref.id);
}

/** How to follow a deployment of this target: the limit, where to look, the live log. */
export function followOptions(ctx: TargetContext): Omit<FollowOptions, "known" | "title" | "source"> {
  const { config } = ctx;
  // Loads while the first look at the deployments is under way.
  const stream = ctx.remote.liveLog();
  stream.catch(() => undefined);
  return {
    timeoutMs: config.waitTimeoutSeconds * 1000,
    applicationUrl: targetOf(ctx).url ?? config.dokployUrl,
    readLog: (deployment: Deployment, lines: number, withinMs: number) =>
      readDeploymentLog(ctx.dokploy, deployment.deploymentId, lines, withinMs),
    openLog: async (deployment: Deployment, listener: LogListener) =>
      deployment.logPath
        ? (await stream)({
            baseUrl: config.dokployUrl,
            apiKey: config.apiKey,
            logPath: deployment.logPath,
            serverId: logServer(ctx, deployment),
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
export async function followOurDeployment(ctx: TargetContext, known: ReadonlySet<string>): Promise<void> {
  const { config, image, logger, ledger } = ctx;
  const follow = followOptions(ctx);
  let last: { readonly id: string; readonly status: string } | undefined;
  const seen = ({ deploymentId, status }: Deployment) => {
    // Each change is recorded once: the same status seen again adds nothing.
    if (last?.id === deploymentId && last.status === status) return;
    last = { id: deploymentId, status };
    ledger.record({ kind: "deployment-status", target: ctx.ref.id, deploymentId, status, said: "dokploy" });
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
      `Deployment ${deployment.deploymentId} of ${image} ended with status "${deployment.status}".${lines}\nSee ${follow.applicationUrl}`,
    );
  } catch (error) {
    if (error instanceof WaitTimeoutError) {
      recordStatus(ctx, "timeout", error.deployment?.deploymentId);
    } else if (error instanceof UnknownStatusError) {
      seen(error.deployment);
      recordStatus(ctx, "unknown");
    }
    throw error;
  }
}
