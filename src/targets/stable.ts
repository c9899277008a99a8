import type { Service, Task } from "../dokploy/procedures";
import { stopIfCancelled } from "../record/context";
import { UnstableError } from "../shared/errors";
import { type TargetContext, recordStatus, targetOf, timedTarget } from "./target";
import { type Found, type Watch, gaveUp, isRunning, isSameImage, superseded, taskError } from "./verify";

/**
 * How often the verify-stable window looks at each service: its task list and its spec, two
 * requests. A window shorter than two of these looks twice, halfway and at its end.
 */
export const STABLE_LOOK_MS = 3_000;

/** The time between two looks in a window of `seconds`. */
export function lookEveryMs(seconds: number): number {
  return Math.min(STABLE_LOOK_MS, (seconds * 1000) / 2);
}

/** A service in the window: what it ran when the window opened. */
interface Watched {
  readonly found: Found;
  /** Its tasks that ran then. */
  readonly running: readonly Task[];
  /** Every task it had then, by id: a task not among them is one swarm started since. */
  readonly known: ReadonlySet<string>;
}

/** One look at a service in the window. */
interface Seen {
  readonly watched: Watched;
  readonly service?: Service;
  /** Tasks that ran when the window opened and do not now: each as it was, and as it is (if still listed). */
  readonly stopped: readonly { readonly was: Task; readonly now?: Task }[];
  /** Tasks swarm started since the window opened. */
  readonly restarts: readonly Task[];
  /** The service no longer runs our image: the image it is set to run. */
  readonly left?: string;
  /** When it was seen, on the run's clock (ms). */
  readonly at: number;
}

function opened(found: Found): Watched {
  return { found, running: found.tasks.filter(isRunning), known: new Set(found.tasks.map((t) => t.containerId)) };
}

async function lookAgain(ctx: TargetContext, watched: Watched, ours: string): Promise<Seen> {
  const { swarm } = watched.found;
  const [service, tasks] = await Promise.all([ctx.dokploy.service(swarm.name, swarm.serverId), swarm.tasks()]);
  const stopped = watched.running.flatMap((was) => {
    const now = tasks.find((t) => t.containerId === was.containerId);
    return now && isRunning(now) ? [] : [{ was, now }];
  });
  const image = service?.Spec.TaskTemplate.ContainerSpec.Image;
  const ourImage = isSameImage(image, ours, ctx.ledger.digest(ctx.image));
  return {
    watched,
    service,
    stopped,
    restarts: tasks.filter((t) => !watched.known.has(t.containerId)),
    left: ourImage ? undefined : (image ?? "no service"),
    at: ctx.ports.clock(),
  };
}

function troubled(seen: Seen): boolean {
  return seen.stopped.length > 0 || seen.restarts.length > 0 || seen.left !== undefined || gaveUp(seen.service);
}

function times(n: number): string {
  return `${String(n)} time${n === 1 ? "" : "s"}`;
}

/** What went wrong with one service, in words. */
function whatWentWrong(seen: Seen): string {
  const { service, stopped, restarts, watched } = seen;
  const words: string[] = [];
  const [first] = stopped;
  if (first) {
    const { was, now } = first;
    const error = now ? taskError(now) : undefined;
    const ran = Math.max(1, Math.round((seen.at - watched.found.at) / 1000));
    words.push(
      now
        ? `task ${was.containerId} ${now.currentState}${error ? ` (${error})` : ""} after about ${String(ran)} s`
        : `task ${was.containerId} is no longer listed after about ${String(ran)} s`,
    );
    if (stopped.length > 1) words.push(`${String(stopped.length - 1)} more of its tasks stopped`);
  }
  if (restarts.length > 0) words.push(`swarm restarted it ${times(restarts.length)}`);
  else if (first) words.push("swarm has not restarted it");
  const update = service?.UpdateStatus;
  if (gaveUp(service)) {
    words.push(`Docker Swarm gave up on its update (${update?.State ?? ""}: ${update?.Message ?? ""})`);
  }
  if (seen.left !== undefined) {
    words.push(service ? `the service is now set to run ${seen.left}` : "Dokploy has no swarm service for it any more");
  }
  return words.join("; ");
}

/** Red: the target is unstable; says what each troubled service did. */
function unstable(ctx: TargetContext, seen: readonly Seen[], ours: string, seconds: number): UnstableError {
  recordStatus(ctx, "unstable");
  const restarts = seen.reduce((n, s) => n + s.restarts.length, 0);
  const stopped = seen.some((s) => s.stopped.length > 0 || s.restarts.length > 0);
  const named = ctx.ref.kind === "compose";
  const what = seen
    .filter(troubled)
    .map((s) => (named ? `${s.watched.found.swarm.what}: ${whatWentWrong(s)}` : whatWentWrong(s)))
    .join(". ");
  const url = targetOf(ctx).url ?? ctx.config.dokployUrl;
  return new UnstableError(
    `${ours} ran, then ${stopped ? "stopped" : "was replaced"} within verify-stable (${String(seconds)} s): ${what}. See ${url}`,
    restarts,
  );
}

/**
 * The window: a look at every service every STABLE_LOOK_MS until `seconds` are over. A service
 * that left our image because a later run deployed over ours ends it: superseded, not ours to judge.
 */
async function watchWindow(ctx: TargetContext, watch: Watch, ours: string, seconds: number): Promise<void> {
  const watched = watch.found.map(opened);
  const windowMs = seconds * 1000;
  const every = lookEveryMs(seconds);
  const names = watch.found.map((f) => f.swarm.name).join(", ");
  ctx.logger.info(
    `Watching ${names} for ${String(seconds)} s (verify-stable), a look every ${String(every / 1000)} s.`,
  );
  const end = ctx.ports.clock() + windowMs;
  for (let now = ctx.ports.clock(); now < end; now = ctx.ports.clock()) {
    await ctx.ports.sleep(Math.min(every, end - now));
    stopIfCancelled(ctx);
    const seen = await Promise.all(watched.map((w) => lookAgain(ctx, w, ours)));
    if (!seen.some(troubled)) continue;
    if (seen.some((s) => s.left !== undefined)) {
      const held = await watch.held();
      if (held !== ours) {
        superseded(ctx, held, ours);
        return;
      }
    }
    throw unstable(ctx, seen, ours, seconds);
  }
  const tasks = watched.reduce((n, w) => n + w.running.length, 0);
  ctx.logger.info(
    `Stable for ${String(seconds)} s: ${String(tasks)} task${tasks === 1 ? "" : "s"} of ${ours} kept running, 0 restarts.`,
  );
  ctx.ledger.record({ kind: "stable", target: ctx.ref.id, seconds, restarts: 0 });
}

/**
 * verify-stable: once swarm runs our image, watches its service(s) for that long. Red at once
 * (UnstableError, status unstable) when a task that ran stops, swarm starts a new one (a
 * restart), the service leaves our image, or swarm rolls the update back or pauses it.
 */
export async function watchStable(ctx: TargetContext, watch: Watch | undefined, ours: string): Promise<void> {
  const seconds = ctx.config.verifyStableSeconds;
  if (seconds <= 0 || targetOf(ctx).deploymentStatus === "superseded") return;
  if (!watch || watch.found.length === 0) {
    ctx.logger.info("verify-stable: no swarm service of ours was seen, so there is nothing to watch.");
    return;
  }
  await timedTarget(ctx, "Watch it stay up", () => watchWindow(ctx, watch, ours, seconds));
}
