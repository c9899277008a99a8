import { z } from "zod";
import { DokployError } from "../shared/errors";
import type { Dokploy, Task } from "./procedures";
import { ServerNameSchema, ServiceEnvironmentSchema, TaskSchema, check, nullableString } from "./procedures";
import { composeEnvProcedure } from "./version";

/*
 * The compose procedures this project calls (v0.30.2, seen live): compose.one answers every
 * column, the env (the variables, in clear text) among them; compose.saveEnvironment wants
 * {composeId, env} with env present (a missing key is 400 "expected nonoptional"); deploy and
 * redeploy take {composeId, title?, description?} and answer {success, message, composeId}.
 * Before v0.29.0 there is no compose.saveEnvironment: the dashboard of those releases writes the
 * env with compose.update, which takes any of the columns and changes only those given.
 */

export const ComposeSchema = z.object({
  composeId: z.string(),
  name: z.string(),
  appName: z.string(),
  /** "docker-compose" or "stack". */
  composeType: z.string(),
  sourceType: nullableString,
  composeFile: nullableString,
  env: nullableString,
  serverId: nullableString,
  server: ServerNameSchema,
  environmentId: nullableString,
  environment: ServiceEnvironmentSchema,
});
export type Compose = z.infer<typeof ComposeSchema>;

/**
 * The compose service, checked to be the one asked for: its env is written back with our
 * variables set, so an answer about another one (a cache or proxy that ignores the query
 * string) would copy that one's variables into this one.
 */
export async function composeOne(dokploy: Dokploy, composeId: string): Promise<Compose> {
  const value = await dokploy.client.query("compose.one", { composeId });
  const compose = check("compose.one", ComposeSchema, value);
  if (compose.composeId !== composeId) {
    throw new DokployError(
      "compose.one",
      200,
      `Dokploy compose.one answered about compose ${compose.composeId}, not ${composeId} that was asked for. A cache or proxy in front of Dokploy may ignore the query string.`,
    );
  }
  return compose;
}

/** A message with every line of `env` in it (as sent, or JSON-escaped as a server echoes it) masked. */
function withoutVariables(message: string, env: string): string {
  const lines = env.split(/\r?\n/).filter((line) => line.trim().length >= 4);
  const forms = lines.flatMap((line) => [line, JSON.stringify(line).slice(1, -1)]);
  let out = message;
  for (const form of forms.sort((a, b) => b.length - a.length)) out = out.split(form).join("***");
  return out;
}

/**
 * Writes the compose's variables (the whole text: Dokploy keeps no other form). Safe to repeat.
 * They are the user's, secrets among them: an error that echoes the request does not show them.
 */
export async function saveComposeEnv(dokploy: Dokploy, composeId: string, env: string): Promise<void> {
  try {
    await dokploy.client.mutation(composeEnvProcedure(dokploy.serverVersion), { composeId, env }, { retry: true });
  } catch (error) {
    if (error instanceof Error) error.message = withoutVariables(error.message, env);
    throw error;
  }
}

/** A task of a stack's service, named <appName>_<service>.<slot>. */
export type StackTask = Task & { readonly name: string };

/** The tasks of a stack's services (docker stack ps), newest first. */
export async function stackTasks(dokploy: Dokploy, appName: string, serverId?: string | null): Promise<StackTask[]> {
  const input = { appName, ...(serverId ? { serverId } : {}) };
  const value = await dokploy.client.query("docker.getStackContainersByAppName", input);
  const parsed = z.array(TaskSchema.extend({ name: z.string() })).safeParse(value ?? []);
  if (!parsed.success) {
    throw new DokployError(
      "docker.getStackContainersByAppName",
      200,
      "Dokploy docker.getStackContainersByAppName: unexpected answer",
    );
  }
  return parsed.data;
}

/** Link to the compose service in Dokploy's dashboard. */
export function composeUrl(baseUrl: string, compose: Compose): string {
  const projectId = compose.environment?.projectId;
  const environmentId = compose.environment?.environmentId ?? compose.environmentId;
  if (projectId && environmentId) {
    return `${baseUrl}/dashboard/project/${projectId}/environment/${environmentId}/services/compose/${compose.composeId}`;
  }
  return `${baseUrl}/dashboard/projects`;
}

/** A container of a docker-compose project (docker ps -a): its id, name and state ("exited", "running"). */
export interface ComposeContainer {
  readonly containerId: string;
  readonly name: string;
  readonly state: string;
  /** "Exited (1) 3 seconds ago", "Up 2 minutes": v0.28 and newer say it. */
  readonly status?: string | null;
}

const ComposeContainerSchema = z.object({
  containerId: z.string(),
  name: z.string(),
  state: z.string(),
  status: nullableString,
});

/** The containers of a docker-compose project, running or not (docker ps -a by its project label). */
export async function composeContainers(
  dokploy: Dokploy,
  appName: string,
  serverId?: string | null,
): Promise<ComposeContainer[]> {
  const input = { appName, appType: "docker-compose", ...(serverId ? { serverId } : {}) };
  const value = await dokploy.client.query("docker.getContainersByAppNameMatch", input);
  return check("docker.getContainersByAppNameMatch", z.array(ComposeContainerSchema), value ?? []);
}
