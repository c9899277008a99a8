import type { Compose, StackTask } from "../dokploy/compose";
import { readVariable } from "./env-file";
import { NotRunningError } from "../shared/errors";
import { type TargetContext, targetOf, timedTarget } from "./target";
import {
  type Found,
  type SwarmService,
  VERIFY_POLL_MS,
  type Watch,
  lookAtSwarm,
  splitDigest,
  superseded,
  waitForSwarm,
} from "./verify";

/** The service a stack task belongs to: <appName>_<service>.<slot> (or .<node id> in global mode). */
export function serviceOfTask(taskName: string): string {
  return taskName.replace(/\.[^.]+$/, "");
}

/** A stack's tasks by the service each belongs to, services in the order their first task is listed. */
export function tasksByService<T extends { readonly name: string }>(tasks: readonly T[]): Map<string, T[]> {
  const services = new Map<string, T[]>();
  for (const task of tasks) {
    const name = serviceOfTask(task.name);
    services.set(name, [...(services.get(name) ?? []), task]);
  }
  return services;
}

/** An image reference without its tag and digest: ghcr.io/acme/web:1@sha256:… -> ghcr.io/acme/web. */
export function repositoryOf(image: string): string {
  const name = splitDigest(image).ref;
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  return colon > slash ? name.slice(0, colon) : name;
}

/** The stack's services whose image comes from our repository: the ones the compose file points at ours. */
async function ourServices(
  ctx: TargetContext,
  compose: Compose,
  ours: string,
): Promise<{ mine: string[]; all: string[] }> {
  const tasks = await ctx.remote.stackTasks(ctx.dokploy, compose.appName, compose.serverId);
  const all = [...tasksByService(tasks).keys()];
  const specs = await Promise.all(
    all.map(async (name) => ({ name, service: await ctx.dokploy.service(name, compose.serverId) })),
  );
  const repository = repositoryOf(ours);
  const mine = specs.flatMap(({ name, service }) =>
    service && repositoryOf(service.Spec.TaskTemplate.ContainerSpec.Image) === repository ? [name] : [],
  );
  return { mine, all };
}

/** One request for the calls that come while it is under way: the stack's services, looked at together, share it. */
function shared<T>(fetch: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= fetch().finally(() => {
      pending = undefined;
    }));
}

/** The stack's services as swarm services to look at; their task lists come from one shared request. */
function stackSwarm(ctx: TargetContext, compose: Compose): (name: string) => SwarmService {
  const stackTasks: () => Promise<StackTask[]> = shared(() =>
    ctx.remote.stackTasks(ctx.dokploy, compose.appName, compose.serverId),
  );
  return (name) => ({
    name,
    serverId: compose.serverId,
    what: `service ${name} of the stack`,
    tasks: async () => tasksByService(await stackTasks()).get(name) ?? [],
  });
}

/**
 * Every service of the stack that runs our repository runs our image (swarm may take a moment);
 * a stack where no service uses our repository did not take the image at all.
 */
async function waitForStack(ctx: TargetContext, compose: Compose, ours: string): Promise<Found[]> {
  const deadline = ctx.ports.clock() + ctx.config.verifyTimeoutSeconds * 1000;
  const swarm = stackSwarm(ctx, compose);
  for (;;) {
    const { mine, all } = await ourServices(ctx, compose, ours);
    if (mine.length > 0) return Promise.all(mine.map((name) => waitForSwarm(ctx, swarm(name), ours)));
    if (ctx.ports.clock() >= deadline) {
      throw new NotRunningError(
        `Dokploy says the deployment is done, but no service of the stack ${compose.appName} runs ${repositoryOf(ours)} (its services: ${all.join(", ") || "none"}). Does the compose file say image: \${${ctx.config.imageVariable}}? See ${targetOf(ctx).url ?? ctx.config.dokployUrl}`,
      );
    }
    await ctx.ports.sleep(VERIFY_POLL_MS);
  }
}

/**
 * After Dokploy says done: the compose still holds our image in its environment (else
 * superseded); for a stack, every swarm service of it that runs our repository runs our image.
 * A docker-compose service's containers are not looked at: Dokploy answers nothing about
 * their images here (see the README). Returns what verify-stable watches.
 */
export async function verifyCompose(ctx: TargetContext, ours: string): Promise<Watch | undefined> {
  const { config, ref, logger } = ctx;
  if (!config.verifyRunning) return undefined;
  return timedTarget(ctx, "Check what runs", async () => {
    const compose = await ctx.remote.composeOne(ctx.dokploy, ref.id);
    const holds = readVariable(compose.env, config.imageVariable);
    if (holds !== ours) {
      superseded(ctx, holds, ours);
      return undefined;
    }
    if (compose.composeType !== "stack") {
      logger.info(`The compose holds ${ours}; docker compose started its containers (their images are not checked).`);
      return undefined;
    }
    const found = await lookAtSwarm(ctx, `the compose's environment, which holds ${ours}`, async () => {
      const services = await waitForStack(ctx, compose, ours);
      logger.info(`Docker Swarm runs ${ours} for ${services.map((s) => s.swarm.name).join(", ")}.`);
      return services;
    });
    const held = async () => readVariable((await ctx.remote.composeOne(ctx.dokploy, ref.id)).env, config.imageVariable);
    return found && { found, held };
  });
}
