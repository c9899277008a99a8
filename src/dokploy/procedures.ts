import { z } from "zod";
import { DokployError } from "../shared/errors";
import type { DokployClient } from "./client";
import { type Projects, ProjectsSchema } from "./projects";
import type { ServiceRef } from "./types";
import { OLDEST_SUPPORTED } from "./version";

/*
 * The procedures this project calls, with their inputs as the server wants them (every
 * nullable key present) and their answers checked. Unknown keys are dropped on parse, so
 * plain-text passwords in answers stay only where a caller needs them.
 */

export const nullableString = z.string().nullish();

/** The server a service runs on, as application.one and compose.one join it in: only its name is read. */
export const ServerNameSchema = z.object({ name: nullableString }).nullish();

/**
 * The environment and project a service is in, as application.one and compose.one nest them;
 * with their shared variables (dotenv text, in clear), kept to mask those a service refers to.
 */
export const ServiceEnvironmentSchema = z
  .object({
    environmentId: z.string(),
    projectId: z.string(),
    env: nullableString,
    project: z.object({ projectId: z.string(), name: z.string(), env: nullableString }).nullish(),
  })
  .nullish();

export const ApplicationSchema = z.object({
  applicationId: z.string(),
  name: z.string(),
  appName: nullableString,
  sourceType: nullableString,
  // Where a git-sourced application builds from (null on a new application).
  owner: nullableString,
  repository: nullableString,
  gitlabRepository: nullableString,
  bitbucketRepository: nullableString,
  giteaRepository: nullableString,
  customGitUrl: nullableString,
  applicationStatus: nullableString,
  dockerImage: nullableString,
  username: nullableString,
  password: nullableString,
  registryUrl: nullableString,
  serverId: nullableString,
  /** The server it runs on, joined in by Dokploy: its name is how messages call it. */
  server: ServerNameSchema,
  projectId: nullableString,
  environmentId: nullableString,
  environment: ServiceEnvironmentSchema,
  /**
   * The container's variables (dotenv text, in clear): kept to mask their values. Not kept:
   * buildArgs and buildSecrets, which Dokploy passes to a build of the application's source;
   * they are not in the container's environment, and nothing of them is printed.
   */
  env: nullableString,
  /** Only how many there are counts: an application that deployed from its source has some. */
  deployments: z
    .array(z.unknown())
    .nullish()
    .transform((rows) => (rows ?? []).length),
});
export type Application = z.infer<typeof ApplicationSchema>;

export const RegistrySchema = z.object({
  registryId: z.string(),
  registryName: z.string(),
  imagePrefix: nullableString,
  username: z.string(),
  password: nullableString,
  registryUrl: z.string(),
  registryType: nullableString,
});
export type Registry = z.infer<typeof RegistrySchema>;

export const DeploymentStatusSchema = z.enum(["running", "done", "error", "cancelled"]);
export type DeploymentStatus = z.infer<typeof DeploymentStatusSchema>;

export const DeploymentSchema = z.object({
  deploymentId: z.string(),
  title: nullableString,
  description: nullableString,
  status: z.string(),
  logPath: nullableString,
  /** Set on a server's own setup deployments only: an application's or compose's rows leave it null. */
  serverId: nullableString,
  /** The build server an application built on (since v0.26), where Dokploy wrote its log. */
  buildServerId: nullableString,
  createdAt: nullableString,
  startedAt: nullableString,
  finishedAt: nullableString,
  errorMessage: nullableString,
});
export type Deployment = z.infer<typeof DeploymentSchema>;

/** `docker inspect` of the swarm service (docker.getConfig with the app name): what it is set to run. */
export const ServiceSchema = z.object({
  Spec: z.object({
    TaskTemplate: z.object({ ContainerSpec: z.object({ Image: z.string() }) }),
  }),
  UpdateStatus: z.object({ State: z.string().nullish(), Message: z.string().nullish() }).nullish(),
});
export type Service = z.infer<typeof ServiceSchema>;

/** One task of the service (docker.getServiceContainersByAppName): `docker service ps` in fields. */
export const TaskSchema = z.object({
  containerId: z.string(),
  /** The desired state, lower case: running, shutdown, … */
  state: z.string(),
  /** "Running 7 seconds ago", "Rejected 1 second ago", … */
  currentState: z.string(),
  /** Swarm's error; Dokploy gives "Error:" or "" when there is none. */
  error: z.string().nullish(),
});
export type Task = z.infer<typeof TaskSchema>;

/** `docker inspect` of a task: the image it runs. */
export const TaskSpecSchema = z.object({ Spec: z.object({ ContainerSpec: z.object({ Image: z.string() }) }) });

/** The answer, parsed; one of another shape names where it differs and the oldest supported version. */
export function check<T>(procedure: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first ? `${first.path.join(".") || "(answer)"}: ${first.message}` : "";
    throw new DokployError(
      procedure,
      200,
      `Dokploy ${procedure}: unexpected answer (${where}). Is this a Dokploy server of ${OLDEST_SUPPORTED} or newer?`,
    );
  }
  return result.data;
}

export interface DockerProvider {
  readonly applicationId: string;
  readonly dockerImage: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly registryUrl: string | null;
}

export interface RegistryFields {
  readonly registryName: string;
  readonly username: string;
  readonly password: string;
  readonly registryUrl: string;
  readonly imagePrefix: string | null;
  readonly serverId?: string;
}

/** A login for Dokploy to try from a machine (registry.testRegistry). */
export interface RegistryLogin {
  readonly registryUrl: string;
  readonly username: string;
  readonly password: string;
  readonly serverId?: string;
}

export type TriggerMethod = "redeploy" | "deploy";

export type { ServiceRef } from "./types";

/** The input key that names a service of a kind. */
export function idKeyOf(ref: ServiceRef): "applicationId" | "composeId" {
  return ref.kind === "application" ? "applicationId" : "composeId";
}

/** Typed procedures over a client. */
export class Dokploy {
  /** What the server said its version is, once asked; undefined before or when it did not say. */
  serverVersion: string | undefined;

  constructor(readonly client: DokployClient) {}

  /**
   * The application, checked to be the one asked for: what is saved and redeployed (and
   * rolled back to) is read from this answer, so one about another application (a cache or
   * proxy that ignores the query string) must stop the run before anything is changed.
   */
  async applicationOne(applicationId: string): Promise<Application> {
    const value = await this.client.query("application.one", { applicationId });
    const app = check("application.one", ApplicationSchema, value);
    if (app.applicationId !== applicationId) {
      throw new DokployError(
        "application.one",
        200,
        `Dokploy application.one answered about application ${app.applicationId}, not ${applicationId} that was asked for. A cache or proxy in front of Dokploy may ignore the query string; nothing was changed.`,
      );
    }
    return app;
  }

  async registryAll(): Promise<Registry[]> {
    const value = await this.client.query("registry.all");
    return check("registry.all", z.array(RegistrySchema), value);
  }

  async registryCreate(fields: RegistryFields): Promise<Registry> {
    const input = { ...fields, registryType: "cloud" };
    const value = await this.client.mutation("registry.create", input);
    return check("registry.create", RegistrySchema, value);
  }

  async registryUpdate(registryId: string, changes: Partial<RegistryFields>): Promise<void> {
    await this.client.mutation("registry.update", { registryId, ...changes }, { retry: true });
  }

  async saveDockerProvider(provider: DockerProvider): Promise<void> {
    // All five keys, always: a missing nullable key is a 400 since v0.28.0.
    await this.client.mutation(
      "application.saveDockerProvider",
      {
        applicationId: provider.applicationId,
        dockerImage: provider.dockerImage,
        username: provider.username,
        password: provider.password,
        registryUrl: provider.registryUrl,
      },
      { retry: true },
    );
  }

  /** Queues a deployment of an application or a compose service. */
  async trigger(method: TriggerMethod, ref: ServiceRef, title: string, description: string): Promise<void> {
    await this.client.mutation(`${ref.kind}.${method}`, { [idKeyOf(ref)]: ref.id, title, description });
  }

  /** Every project the key's user can see, with its environments and their services by name. */
  async projects(): Promise<Projects> {
    return check("project.all", ProjectsSchema, await this.client.query("project.all"));
  }

  /**
   * Has the machine of `serverId` (the Dokploy host without one) run `docker login` to the
   * registry with these credentials; Dokploy answers 400 with docker's words when it fails.
   */
  async testRegistryLogin(login: RegistryLogin): Promise<void> {
    const input = { ...login, registryType: "cloud" };
    // A login tried again changes nothing: safe to retry.
    await this.client.mutation("registry.testRegistry", input, { retry: true });
  }

  /** The server's version, e.g. "v0.30.2". */
  async version(): Promise<string> {
    const value = await this.client.query("settings.getDokployVersion");
    this.serverVersion = check("settings.getDokployVersion", z.string(), value);
    return this.serverVersion;
  }

  /** The swarm service of an application; undefined when there is none (Dokploy answers null). */
  async service(appName: string, serverId?: string | null): Promise<Service | undefined> {
    const input = { containerId: appName, ...(serverId ? { serverId } : {}) };
    const value = await this.client.query("docker.getConfig", input);
    return value ? check("docker.getConfig", ServiceSchema, value) : undefined;
  }

  /** The image a task runs; undefined when Dokploy could not inspect it. */
  async taskImage(taskId: string, serverId?: string | null): Promise<string | undefined> {
    const input = { containerId: taskId, ...(serverId ? { serverId } : {}) };
    const value = await this.client.query("docker.getConfig", input);
    return value ? check("docker.getConfig", TaskSpecSchema, value).Spec.ContainerSpec.Image : undefined;
  }

  /** The tasks of an application's swarm service, newest first. */
  async serviceTasks(appName: string, serverId?: string | null): Promise<Task[]> {
    const input = { appName, ...(serverId ? { serverId } : {}) };
    const value = await this.client.query("docker.getServiceContainersByAppName", input);
    return check("docker.getServiceContainersByAppName", z.array(TaskSchema), value ?? []);
  }

  /**
   * The deployments of a service, newest first (deployment.all or deployment.allByCompose);
   * `withinMs` bounds the call, its retries included.
   */
  async deployments(ref: ServiceRef, withinMs?: number): Promise<Deployment[]> {
    const procedure = ref.kind === "application" ? "deployment.all" : "deployment.allByCompose";
    const value = await this.client.query(procedure, { [idKeyOf(ref)]: ref.id }, { withinMs });
    return check(procedure, z.array(DeploymentSchema), value);
  }
}

/** Link to the application in Dokploy's dashboard. */
export function applicationUrl(baseUrl: string, app: Application): string {
  const projectId = app.environment?.projectId ?? app.projectId;
  const environmentId = app.environment?.environmentId ?? app.environmentId;
  if (projectId && environmentId) {
    return `${baseUrl}/dashboard/project/${projectId}/environment/${environmentId}/services/application/${app.applicationId}`;
  }
  if (projectId) return `${baseUrl}/dashboard/project/${projectId}/services/application/${app.applicationId}`;
  return `${baseUrl}/dashboard/projects`;
}
