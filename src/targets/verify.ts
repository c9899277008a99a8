import type { Service, Task } from "../dokploy/procedures";
import { DeployError, DokployError, NotRunningError } from "../shared/errors";
import { type TargetContext, recordStatus, targetOf, timedTarget } from "./target";

/** How often to look at the swarm service while it converges. */
export const VERIFY_POLL_MS = 1_000;

/** Splits `repo:tag@sha256:…` into the reference and the digest. */
export function splitDigest(image: string): { ref: string; digest?: string } {
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
export function taskError(task: Task): string | undefined {
  const text = (task.error ?? "")
    .replace(/^Error:$/, "")
    .replace(/^"|"$/g, "")
    .trim();
  return text || undefined;
}

/** One swarm service to look at: its name, where it runs, how to list its tasks. */
export interface SwarmService {
  readonly name: string;
  readonly serverId?: string | null;
  /** "the application", "service web of the stack": for messages. */
  readonly what: string;
  readonly tasks: () => Promise<Task[]>;
}

/** What the swarm service runs, seen once. */
interface Look {
  readonly service?: Service;
  /** The image of a running task, when one runs ours. */
  readonly running?: string;
  readonly lastError?: string;
  readonly tasks: readonly Task[];
}

/** Our image running in a swarm service, as the look that found it saw the service. */
export interface Found {
  readonly swarm: SwarmService;
  /** The image a task runs, with the digest swarm resolved when it did. */
  readonly image: string;
  /** The service's tasks then, newest first, and when that was (on the run's clock, ms). */
  readonly tasks: readonly Task[];
  readonly at: number;
}

/** What to watch once our image runs (verify-stable), and how to read what the target holds now. */
export interface Watch {
  readonly found: readonly Found[];
  /** The image the target holds now: the application's, or the compose environment's variable. */
  readonly held: () => Promise<string | null | undefined>;
}

/** Swarm gave up on the update: it rolled the service back, or paused it after a failed task. */
export function gaveUp(service: Service | undefined): boolean {
  const state = service?.UpdateStatus?.State ?? "";
  return state.startsWith("rollback") || state === "paused";
}

async function look(ctx: TargetContext, swarm: SwarmService, ours: string): Promise<Look> {
  const service = await ctx.dokploy.service(swarm.name, swarm.serverId);
  const state = service?.UpdateStatus?.State ?? "";
  const tasks = await swarm.tasks();
  const lastError = tasks.map(taskError).find((e) => e !== undefined);
  if (!service || state === "updating" || gaveUp(service)) return { service, lastError, tasks };
  if (!isSameImage(service.Spec.TaskTemplate.ContainerSpec.Image, ours, ctx.ledger.digest(ctx.image))) {
    return { service, lastError, tasks };
  }
  for (const task of tasks.filter(isRunning).slice(0, 3)) {
    const image = await ctx.dokploy.taskImage(task.containerId, swarm.serverId);
    if (isSameImage(image, ours, ctx.ledger.digest(ctx.image))) return { service, running: image, lastError, tasks };
  }
  return { service, lastError, tasks };
}

/** A task that runs, as swarm says: desired running, and its current state Running. */
export function isRunning(task: Task): boolean {
  return task.state === "running" && task.currentState.startsWith("Running");
}

/** Why our image does not run, from the last look at the service. */
function notRunning(ctx: TargetContext, swarm: SwarmService, seen: Look, ours: string): NotRunningError {
  const { service, lastError } = seen;
  const update = service?.UpdateStatus;
  const image = service?.Spec.TaskTemplate.ContainerSpec.Image;
  const why = !service
    ? `Dokploy has no swarm service for ${swarm.what}`
    : update?.State?.startsWith("rollback")
      ? `Docker Swarm rolled the service back to ${image ?? "?"} (${update.State}: ${update.Message ?? ""})`
      : update?.State === "paused"
        ? `Docker Swarm paused the update of ${swarm.name} (${update.Message ?? ""})`
        : `the service is set to run ${image ?? "?"}${update?.State ? ` (update ${update.State})` : ""}, and no task of ${ours} is running after ${String(ctx.config.verifyTimeoutSeconds)} s (verify-timeout)`;
  return new NotRunningError(
    `Dokploy says the deployment is done, but ${ours} is not running: ${why}.${lastError ? ` Swarm says: ${lastError}` : ""} See ${targetOf(ctx).url ?? ctx.config.dokployUrl}`,
  );
}

/** Waits briefly for swarm to run our image in the service; throws NotRunningError when it does not. */
export async function waitForSwarm(ctx: TargetContext, swarm: SwarmService, ours: string): Promise<Found> {
  const deadline = ctx.ports.clock() + ctx.config.verifyTimeoutSeconds * 1000;
  for (;;) {
    const seen = await look(ctx, swarm, ours);
    if (seen.running) return { swarm, image: seen.running, tasks: seen.tasks, at: ctx.ports.clock() };
    if (gaveUp(seen.service) || ctx.ports.clock() >= deadline) throw notRunning(ctx, swarm, seen, ours);
    await ctx.ports.sleep(VERIFY_POLL_MS);
  }
}

/** A later run pointed the target at its image: ours is not what runs, by design. */
export function superseded(ctx: TargetContext, theirs: string | null | undefined, ours: string): void {
  const { config, logger } = ctx;
  recordStatus(ctx, "superseded");
  const message = `Superseded: the ${ctx.ref.kind} now holds ${theirs ?? "no image"}, not ${ours}; a later run deployed over this one. Not rolling back.`;
  if (config.failOnSuperseded) throw new DeployError(`${message} (fail-on-superseded)`);
  logger.warn(message);
}

/**
 * After Dokploy says done: the application still holds our image (else superseded), and swarm
 * runs a task of it (else not-running, with swarm's reason). Without the permission to read
 * Docker, says so once and trusts the application row. Returns what verify-stable watches.
 */
export async function verifyApplication(ctx: TargetContext, ours: string): Promise<Watch | undefined> {
  const { config, ref, logger } = ctx;
  if (!config.verifyRunning) return undefined;
  return timedTarget(ctx, "Check what runs", async () => {
    const app = await ctx.dokploy.applicationOne(ref.id);
    if (app.dockerImage !== ours) {
      superseded(ctx, app.dockerImage, ours);
      return undefined;
    }
    if (!app.appName) return undefined;
    const { appName, serverId } = app;
    const swarm: SwarmService = {
      name: appName,
      serverId,
      what: "the application",
      tasks: () => ctx.dokploy.serviceTasks(appName, serverId),
    };
    const found = await lookAtSwarm(ctx, `the application, which holds ${ours}`, async () => {
      const running = await waitForSwarm(ctx, swarm, ours);
      logger.info(`Docker Swarm runs ${running.image} for ${appName}.`);
      return running;
    });
    const held = async () => (await ctx.dokploy.applicationOne(ref.id)).dockerImage;
    return found && { found: [found], held };
  });
}

/**
 * Runs `look` at what swarm runs. A NotRunningError marks the target not-running; without the
 * permission to read Docker (401, 403), says so once, trusts `trusted` instead and returns undefined.
 */
export async function lookAtSwarm<T>(
  ctx: TargetContext,
  trusted: string,
  look: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await look();
  } catch (error) {
    if (!(error instanceof DokployError) || (error.status !== 401 && error.status !== 403)) {
      if (error instanceof NotRunningError) recordStatus(ctx, "not-running");
      throw error;
    }
    ctx.logger.warn(
      `Could not ask Dokploy what Docker Swarm runs (${error.procedure}: HTTP ${String(error.status)}; the API key needs the permission to read Docker). Trusting ${trusted}.`,
    );
    return undefined;
  }
}
