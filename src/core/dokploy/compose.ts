import { z } from "zod";
import { DokployError } from "../errors";
import type { Dokploy, Task } from "./procedures";
import { TaskSchema } from "./procedures";

/*
 * The compose procedures this project calls (v0.30.2, seen live): compose.one answers every
 * column, the env (the variables, in clear text) among them; compose.saveEnvironment wants
 * {composeId, env} with env present (a missing key is 400 "expected nonoptional"); deploy and
 * redeploy take {composeId, title?, description?} and answer {success, message, composeId}.
 */

const nullableString = z.string().nullish();

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
  environmentId: nullableString,
  environment: z
    .object({
      environmentId: z.string(),
      projectId: z.string(),
      project: z.object({ projectId: z.string(), name: z.string() }).nullish(),
    })
    .nullish(),
});
export type Compose = z.infer<typeof ComposeSchema>;

export async function composeOne(dokploy: Dokploy, composeId: string): Promise<Compose> {
  const value = await dokploy.client.query("compose.one", { composeId });
  const parsed = ComposeSchema.safeParse(value);
  if (!parsed.success) {
    throw new DokployError(
      "compose.one",
      200,
      "Dokploy compose.one: unexpected answer. Is this a Dokploy server of v0.26 or newer?",
    );
  }
  return parsed.data;
}

/** Writes the compose's variables (the whole text: Dokploy keeps no other form). Safe to repeat. */
export async function saveComposeEnv(dokploy: Dokploy, composeId: string, env: string): Promise<void> {
  await dokploy.client.mutation("compose.saveEnvironment", { composeId, env }, { retry: true });
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
