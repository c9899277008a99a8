import { DokployError, errorMessage } from "../shared/errors";
import { type RetryPolicy, type RetryPorts, withRetry } from "../shared/retry";
import type { Dokploy, ServiceRef, TriggerMethod } from "./procedures";
import { type FollowOptions, type WaitPorts, findOurDeployment, followDeployment } from "./wait";

/** After an ambiguous trigger failure, how long to look for the deployment it may have started. */
export const AMBIGUITY_GRACE_MS = 5_000;

export interface Trigger {
  readonly method: TriggerMethod;
  readonly source: ServiceRef;
  readonly title: string;
  readonly description: string;
  /** In the description too: tells our deployment from another run's with the same title. */
  readonly token?: string;
}

/**
 * Triggers a deployment once. A trigger is not blindly retried: after a failure that may have
 * reached Dokploy (a reset, a timeout, a 502), the deployments are checked for ours before the
 * trigger is sent again, so one run never starts two deployments.
 */
export async function triggerDeployment(
  dokploy: Dokploy,
  trigger: Trigger,
  known: ReadonlySet<string>,
  policy: RetryPolicy,
  ports: RetryPorts,
): Promise<void> {
  const description = trigger.token ? `${trigger.description}\nRun token: ${trigger.token}` : trigger.description;
  const send = () => dokploy.trigger(trigger.method, trigger.source, trigger.title, description);
  await withRetry(`Dokploy ${trigger.source.kind}.${trigger.method}`, policy, ports, send, async (error) => {
    if (!(error instanceof DokployError) || !error.ambiguous) return undefined;
    ports.logger.info(
      `The ${trigger.method} may have reached Dokploy; looking for its deployment before sending it again`,
    );
    const deadline = ports.clock() + AMBIGUITY_GRACE_MS;
    for (;;) {
      const rows = await dokploy.deployments(trigger.source);
      const ours = findOurDeployment(rows, known, trigger.title, trigger.token);
      if (ours) {
        ports.logger.info(`Dokploy did start it (deployment ${ours.deploymentId}); not sending it again`);
        return { done: true, value: undefined };
      }
      if (ports.clock() >= deadline) return undefined;
      await ports.sleep(500);
    }
  });
}

/** The ids of the deployments there are now, to tell ours from them later. */
export async function snapshotDeployments(dokploy: Dokploy, source: ServiceRef): Promise<Set<string>> {
  return new Set((await dokploy.deployments(source)).map((d) => d.deploymentId));
}

export interface RollbackOptions {
  readonly source: ServiceRef;
  /** What the service ran before, in words: "Rollback to <was>". */
  readonly was: string;
  /** Writes the service back as it was (its image, or its environment). */
  readonly restore: () => Promise<void>;
  /** This run's token, for the rollback deployment's description. */
  readonly token?: string;
  readonly policy: RetryPolicy;
  readonly follow: Omit<FollowOptions, "known" | "title" | "source">;
}

/**
 * Puts the service back as it was before and redeploys it, following that deployment too.
 * Returns a sentence saying how it went; never throws.
 */
export async function rollBack(
  dokploy: Dokploy,
  options: RollbackOptions,
  ports: WaitPorts & RetryPorts,
): Promise<string> {
  const { source, was } = options;
  const title = `Rollback to ${was}`.slice(0, 200);
  try {
    ports.logger.warn(`Rolling back: pointing the ${source.kind} at ${was} again`);
    await options.restore();
    const known = await snapshotDeployments(dokploy, source);
    await triggerDeployment(
      dokploy,
      { method: "redeploy", source, title, description: "Rollback after a failed deployment", token: options.token },
      known,
      options.policy,
      ports,
    );
    const followed = await followDeployment(
      dokploy,
      { ...options.follow, source, known, title, token: options.token },
      ports,
    );
    const { deployment } = followed;
    return deployment.status === "done"
      ? `Rolled back to ${was} (deployment ${deployment.deploymentId} is done).`
      : `The rollback to ${was} failed too (deployment ${deployment.deploymentId}: ${deployment.status}).`;
  } catch (error) {
    return `The rollback to ${was} failed: ${errorMessage(error)}`;
  }
}
