import { DokployError, errorMessage } from "../errors";
import { type RetryPolicy, type RetryPorts, withRetry } from "../retry";
import type { DockerProvider, Dokploy, TriggerMethod } from "./procedures";
import { type FollowOptions, type WaitPorts, findOurDeployment, followDeployment } from "./wait";

/** After an ambiguous trigger failure, how long to look for the deployment it may have started. */
export const AMBIGUITY_GRACE_MS = 5_000;

export interface Trigger {
  readonly method: TriggerMethod;
  readonly applicationId: string;
  readonly title: string;
  readonly description: string;
  /** In the description too: tells our deployment from another run's with the same title. */
  readonly token?: string;
}

/**
 * Triggers a deployment once. A trigger is not blindly retried: after a failure that may have
 * reached Dokploy (a reset, a timeout, a 502), deployment.all is checked for our deployment
 * before the trigger is sent again, so one run never starts two deployments.
 */
export async function triggerDeployment(
  dokploy: Dokploy,
  trigger: Trigger,
  known: ReadonlySet<string>,
  policy: RetryPolicy,
  ports: RetryPorts,
): Promise<void> {
  const description = trigger.token ? `${trigger.description}\nRun token: ${trigger.token}` : trigger.description;
  const send = () => dokploy.trigger(trigger.method, trigger.applicationId, trigger.title, description);
  await withRetry(`Dokploy application.${trigger.method}`, policy, ports, send, async (error) => {
    if (!(error instanceof DokployError) || !error.ambiguous) return undefined;
    ports.logger.info(
      `The ${trigger.method} may have reached Dokploy; looking for its deployment before sending it again`,
    );
    const deadline = ports.clock() + AMBIGUITY_GRACE_MS;
    for (;;) {
      const rows = await dokploy.deploymentAll(trigger.applicationId);
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
export async function snapshotDeployments(dokploy: Dokploy, applicationId: string): Promise<Set<string>> {
  return new Set((await dokploy.deploymentAll(applicationId)).map((d) => d.deploymentId));
}

export interface RollbackOptions {
  readonly previous: DockerProvider;
  /** This run's token, for the rollback deployment's description. */
  readonly token?: string;
  readonly policy: RetryPolicy;
  readonly follow: Omit<FollowOptions, "known" | "title" | "applicationId">;
}

/**
 * Points the application back at the image it ran before and redeploys it, following that
 * deployment too. Returns a sentence saying how it went; never throws.
 */
export async function rollBack(
  dokploy: Dokploy,
  options: RollbackOptions,
  ports: WaitPorts & RetryPorts,
): Promise<string> {
  const { previous } = options;
  const title = `Rollback to ${previous.dockerImage}`.slice(0, 200);
  try {
    ports.logger.warn(`Rolling back: pointing the application at ${previous.dockerImage} again`);
    await dokploy.saveDockerProvider(previous);
    const known = await snapshotDeployments(dokploy, previous.applicationId);
    await triggerDeployment(
      dokploy,
      {
        method: "redeploy",
        applicationId: previous.applicationId,
        title,
        description: "Rollback after a failed deployment",
        token: options.token,
      },
      known,
      options.policy,
      ports,
    );
    const followed = await followDeployment(
      dokploy,
      { ...options.follow, applicationId: previous.applicationId, known, title, token: options.token },
      ports,
    );
    const { deployment } = followed;
    return deployment.status === "done"
      ? `Rolled back to ${previous.dockerImage} (deployment ${deployment.deploymentId} is done).`
      : `The rollback to ${previous.dockerImage} failed too (deployment ${deployment.deploymentId}: ${deployment.status}).`;
  } catch (error) {
    return `The rollback to ${previous.dockerImage} failed: ${errorMessage(error)}`;
  }
}
