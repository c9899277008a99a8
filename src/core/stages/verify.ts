import { type Connected, timed } from "../context";
import type { Service, Task } from "../dokploy/procedures";
import { DeployError, DokployError, NotRunningError } from "../errors";

/** How often to look at the swarm service while it converges. */
export const VERIFY_POLL_MS = 1_000;

/** Splits `repo:tag@sha256:…` into the reference and the digest. */
function splitDigest(image: string): { ref: string; digest?: string } {
  const at = image.indexOf("@");
  return at < 0 ? { ref: image } : { ref: image.slice(0, at), digest: image.slice(at + 1) };
}

/**
 * Whether a running image is ours: the same reference; and the same digest where both are
 * known (swarm adds the digest it resolved when it could ask the registry).
 */
export function isSameImage(running: string | undefined, ours: string, pushedDigest?: string): boolean {
  if (!running) return false;
  const a = splitDigest(running);
  const b = splitDigest(ours);
  if (a.ref !== b.ref) return false;
  const expected = b.digest ?? pushedDigest;
  return !a.digest || !expected || a.digest === expected;
}

/** Swarm's error on a task, without Dokploy's empty "Error:" placeholder. */
function taskError(task: Task): string | undefined {
  const text = (task.error ?? "")
    .replace(/^Error:$/, "")
    .replace(/^"|"$/g, "")
    .trim();
  return text || undefined;
}

/** What the swarm service runs, seen once. */
interface Look {
  readonly service?: Service;
  /** The image of a running task, when one runs ours. */
  readonly running?: string;
  readonly lastError?: string;
}

async function look(ctx: Connected, appName: string, serverId: string | null | undefined, ours: string): Promise<Look> {
  const service = await ctx.dokploy.service(appName, serverId);
  const state = service?.UpdateStatus?.State ?? "";
  const tasks = await ctx.dokploy.serviceTasks(appName, serverId);
  const lastError = tasks.map(taskError).find((e) => e !== undefined);
  if (!service || state === "updating" || state.startsWith("rollback")) return { service, lastError };
  if (!isSameImage(service.Spec.TaskTemplate.ContainerSpec.Image, ours, ctx.result.digest)) {
    return { service, lastError };
  }
  const running = tasks.filter((t) => t.state === "running" && t.currentState.startsWith("Running"));
  for (const task of running.slice(0, 3)) {
    const image = await ctx.dokploy.taskImage(task.containerId, serverId);
    if (isSameImage(image, ours, ctx.result.digest)) return { service, running: image, lastError };
  }
  return { service, lastError };
}

/** Why our image does not run, from the last look at the service. */
function notRunning(ctx: Connected, seen: Look, ours: string): NotRunningError {
  const { service, lastError } = seen;
  const update = service?.UpdateStatus;
  const image = service?.Spec.TaskTemplate.ContainerSpec.Image;
  const why = !service
    ? "Dokploy has no swarm service for the application"
    : update?.State?.startsWith("rollback")
      ? `Docker Swarm rolled the service back to ${image ?? "?"} (${update.State}: ${update.Message ?? ""})`
      : `the service is set to run ${image ?? "?"}${update?.State ? ` (update ${update.State})` : ""}, and no task of ${ours} is running after ${String(ctx.config.verifyTimeoutSeconds)} s (verify-timeout)`;
  return new NotRunningError(
    `Dokploy says the deployment is done, but ${ours} is not running: ${why}.${lastError ? ` Swarm says: ${lastError}` : ""} See ${ctx.result.applicationUrl ?? ctx.config.dokployUrl}`,
  );
}

/** Waits briefly for swarm to run our image; throws NotRunningError when it does not. */
async function waitForSwarm(ctx: Connected, appName: string, serverId: string | null | undefined, ours: string) {
  const deadline = ctx.ports.clock() + ctx.config.verifyTimeoutSeconds * 1000;
  for (;;) {
    const seen = await look(ctx, appName, serverId, ours);
    if (seen.running) return seen.running;
    const rolledBack = seen.service?.UpdateStatus?.State?.startsWith("rollback") ?? false;
    if (rolledBack || ctx.ports.clock() >= deadline) throw notRunning(ctx, seen, ours);
    await ctx.ports.sleep(VERIFY_POLL_MS);
  }
}

/** A later run pointed the application at its image: ours is not what runs, by design. */
function superseded(ctx: Connected, theirs: string | null | undefined, ours: string): void {
  const { config, result, logger } = ctx;
  result.deploymentStatus = "superseded";
  const message = `Superseded: the application now holds ${theirs ?? "no image"}, not ${ours}; a later run deployed over this one. Not rolling back.`;
  if (config.failOnSuperseded) throw new DeployError(`${message} (fail-on-superseded)`);
  logger.warn(message);
}

/**
 * After Dokploy says done: the application still holds our image (else superseded), and swarm
 * runs a task of it (else not-running, with swarm's reason). Without the permission to read
 * Docker, says so once and trusts the application row.
 */
export async function verifyWhatRuns(ctx: Connected, ours: string): Promise<void> {
  const { config, result, logger } = ctx;
  if (!config.verifyRunning) return;
  await timed(ctx, "Check what runs", async () => {
    const app = await ctx.dokploy.applicationOne(config.applicationId);
    if (app.dockerImage !== ours) return superseded(ctx, app.dockerImage, ours);
    if (!app.appName) return;
    try {
      const running = await waitForSwarm(ctx, app.appName, app.serverId, ours);
      logger.info(`Docker Swarm runs ${running} for ${app.appName}.`);
    } catch (error) {
      if (!(error instanceof DokployError) || (error.status !== 401 && error.status !== 403)) {
        if (error instanceof NotRunningError) result.deploymentStatus = "not-running";
        throw error;
      }
      logger.warn(
        `Could not ask Dokploy what Docker Swarm runs (${error.procedure}: HTTP ${String(error.status)}; the API key needs the permission to read Docker). Trusting the application, which holds ${ours}.`,
      );
    }
  });
}
