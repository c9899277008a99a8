import type { ContainerLog } from "../dokploy/container-logs";
import type { Task } from "../dokploy/procedures";
import type { EvidenceSection } from "../record/entries";
import { errorMessage } from "../shared/errors";
import { tasksByService } from "./stack";
import { type TargetContext, targetName } from "./target";
import { isSameImage, taskError } from "./verify";

/*
 * What a red target left to see, gathered before anything is rolled back: swarm's recent tasks
 * of its service, the last lines each failed (or newest) container of our image printed, read
 * through Dokploy, and masked like everything else the step prints.
 */

/** The tasks listed per service: swarm keeps a few per slot (its task history). */
const TASKS_LISTED = 6;
/** The containers whose output is read per target. */
const OUTPUTS_READ = 2;

/** One thing to read the output of: a swarm task, or a docker-compose container. */
interface Source {
  readonly id: string;
  readonly runType: "swarm" | "native";
  /** "task", "container": for the title. */
  readonly what: string;
  /** How swarm or docker says it is now: "Failed 3 seconds ago", "Exited (1) 2 seconds ago". */
  readonly state: string;
}

/** Swarm's word that a task ended or never started. */
const ENDED = /^(Failed|Rejected|Complete|Shutdown|Orphaned|Remove)/;

function taskLine(task: Task, image: string | undefined): string {
  const error = taskError(task);
  return [
    task.containerId.slice(0, 12),
    `desired ${task.state}`,
    task.currentState || "(state unknown)",
    ...(error ? [error] : []),
    ...(image ? [image] : []),
  ].join("  ");
}

/** The images of the tasks listed, by task id (undefined where Dokploy could not say). */
async function imagesOf(ctx: TargetContext, tasks: readonly Task[], serverId?: string | null) {
  const images = await Promise.all(
    tasks.map((task) => ctx.dokploy.taskImage(task.containerId, serverId).catch(() => undefined)),
  );
  return new Map(tasks.map((task, i) => [task.containerId, images[i]]));
}

/** Our tasks that ended first (newest first), else the newest of ours; any task when no image is known. */
function tasksToRead(
  tasks: readonly Task[],
  images: ReadonlyMap<string, string | undefined>,
  ours: (i?: string) => boolean,
) {
  const known = tasks.some((task) => images.get(task.containerId) !== undefined);
  const mine = known ? tasks.filter((task) => ours(images.get(task.containerId))) : [...tasks];
  const ended = mine.filter((task) => ENDED.test(task.currentState) || taskError(task) !== undefined);
  return (ended.length > 0 ? ended : mine).slice(0, OUTPUTS_READ);
}

/** Swarm's tasks of one service and the sources to read: for an application or a stack's service. */
async function swarmEvidence(
  ctx: TargetContext,
  service: string,
  tasks: readonly Task[],
  serverId?: string | null,
): Promise<{ section: EvidenceSection; sources: Source[] }> {
  const listed = tasks.slice(0, TASKS_LISTED);
  const images = await imagesOf(ctx, listed, serverId);
  const ours = (image?: string) => isSameImage(image, ctx.image, ctx.ledger.digest(ctx.image));
  const section: EvidenceSection = {
    title: "Docker Swarm's tasks of",
    subject: service,
    lines: listed.map((task) => ctx.redactor.redact(taskLine(task, images.get(task.containerId)))),
    ...(listed.length === 0 ? { note: "Swarm lists no task of it." } : {}),
  };
  const sources = tasksToRead(listed, images, ours).map((task): Source => ({
    id: task.containerId,
    runType: "swarm",
    what: "task",
    state: task.currentState,
  }));
  return { section, sources };
}

/** What to look at for an application: its service's tasks. */
async function applicationParts(ctx: TargetContext) {
  const app = await ctx.dokploy.applicationOne(ctx.ref.id);
  if (!app.appName) return { serverId: app.serverId, parts: [] };
  const tasks = await ctx.dokploy.serviceTasks(app.appName, app.serverId);
  return { serverId: app.serverId, parts: [await swarmEvidence(ctx, app.appName, tasks, app.serverId)] };
}

/** What to look at for a compose: each stack service's tasks, or the docker-compose containers. */
async function composeParts(ctx: TargetContext) {
  const compose = await ctx.remote.composeOne(ctx.dokploy, ctx.ref.id);
  const { appName, serverId } = compose;
  if (compose.composeType === "stack") {
    const tasks = await ctx.remote.stackTasks(ctx.dokploy, appName, serverId);
    const services = [...tasksByService(tasks)];
    const parts = await Promise.all(services.map(([name, own]) => swarmEvidence(ctx, name, own, serverId)));
    return { serverId, parts };
  }
  const containers = await ctx.remote.composeContainers(ctx.dokploy, appName, serverId);
  const lines = containers.map((c) => ctx.redactor.redact(`${c.name}  ${c.status ?? c.state}`));
  const stopped = containers.filter((c) => c.state !== "running");
  const sources = (stopped.length > 0 ? stopped : containers).slice(0, OUTPUTS_READ).map((c): Source => ({
    id: c.containerId,
    runType: "native",
    what: `container ${c.name}`,
    state: c.status ?? c.state,
  }));
  const section = { title: "Containers of the project", subject: appName, lines };
  return { serverId, parts: [{ section, sources }] };
}

/** Reads each source's last lines through Dokploy, all at once. */
async function outputs(ctx: TargetContext, sources: readonly Source[], serverId?: string | null) {
  const read = await ctx.remote.containerLogs();
  const logs = await Promise.all(
    sources.map((source): Promise<ContainerLog> =>
      read({
        baseUrl: ctx.config.dokployUrl,
        apiKey: ctx.config.apiKey,
        containerId: source.id,
        runType: source.runType,
        tail: ctx.config.diagnosticsLines,
        serverId,
        serviceId: ctx.ref.id,
        redactor: ctx.redactor,
        signal: ctx.signal,
      }),
    ),
  );
  return sources.map((source, i): EvidenceSection => ({
    title: source.runType === "swarm" ? "Output of task" : "Output of",
    subject: `${source.runType === "swarm" ? source.id.slice(0, 12) : source.what} (${source.state})`,
    lines: logs[i]?.lines ?? [],
    ...(logs[i]?.unavailable ? { note: `No output: ${logs[i].unavailable}.` } : {}),
  }));
}

/** Every section for the target: swarm's or docker's view first, then what the containers printed. */
async function sectionsOf(ctx: TargetContext): Promise<EvidenceSection[]> {
  const { parts, serverId } = await (ctx.ref.kind === "application" ? applicationParts(ctx) : composeParts(ctx));
  const sources = parts.flatMap((part) => part.sources).slice(0, OUTPUTS_READ * 2);
  return [...parts.map((part) => part.section), ...(await outputs(ctx, sources, serverId))];
}

/** Prints the sections as one collapsed group of the log. */
async function print(ctx: TargetContext, sections: readonly EvidenceSection[]): Promise<void> {
  await ctx.logger.group(`What went wrong in ${targetName(ctx)}: swarm's tasks and what the containers printed`, () => {
    for (const section of sections) {
      ctx.logger.info(`${section.title}${section.subject ? ` ${section.subject}` : ""}:`);
      if (section.note) ctx.logger.info(`  ${section.note}`);
      for (const line of section.lines) ctx.logger.info(`│ ${line}`);
    }
    return Promise.resolve();
  });
}

/**
 * Gathers, records and prints what the red target left to see, plus `more` (the health check's
 * last answer). Never throws: evidence that cannot be had is said in one line.
 */
export async function gatherEvidence(ctx: TargetContext, more: readonly EvidenceSection[] = []): Promise<void> {
  if (ctx.config.diagnosticsLines === 0) return;
  let sections: EvidenceSection[] = [...more];
  try {
    sections = [...more, ...(await sectionsOf(ctx))];
  } catch (error) {
    ctx.logger.info(`Could not read what ${targetName(ctx)}'s containers printed: ${errorMessage(error)}`);
  }
  if (sections.length === 0) return;
  ctx.ledger.record({ kind: "evidence", target: ctx.ref.id, sections });
  await print(ctx, sections);
}
