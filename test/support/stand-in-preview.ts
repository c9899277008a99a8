/**
 * The procedures of preview environments in the Dokploy stand-in, as a live v0.30.2 answers them
 * (probed 2026-12-07: environment.create/update/remove/byProjectId, application.create/update/delete,
 * mounts.create, domain.create/byApplicationId/generateDomain, dockerVolume.removeVolume): the
 * rows they return, environment.remove refusing an environment that still has services, and
 * volume removal failing for a volume docker does not have.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { ApplicationRow, ComposeRow, ProjectRow } from "./dokploy-stand-in";

const optionalText = z.string().nullable().optional();

/** Their inputs, as Dokploy's routers declare them (apiCreateEnvironment, apiCreateApplication, …). */
export const PREVIEW_SCHEMAS: Record<string, z.ZodType> = {
  "environment.byProjectId": z.object({ projectId: z.string() }),
  "environment.create": z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    projectId: z.string().min(1),
  }),
  "environment.update": z.object({
    environmentId: z.string().min(1),
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    env: z.string().optional(),
  }),
  "environment.remove": z.object({ environmentId: z.string().min(1) }),
  "application.create": z.object({
    name: z.string().min(1),
    appName: z.string().optional(),
    description: optionalText,
    environmentId: z.string(),
    serverId: optionalText,
  }),
  "application.update": z.looseObject({ applicationId: z.string().min(1) }),
  "application.delete": z.object({ applicationId: z.string() }),
  "mounts.create": z.object({
    type: z.enum(["bind", "volume", "file"]),
    mountPath: z.string().min(1),
    volumeName: optionalText,
    content: optionalText,
    filePath: optionalText,
    hostPath: optionalText,
    serviceType: z.string(),
    serviceId: z.string().min(1),
  }),
  "domain.byApplicationId": z.object({ applicationId: z.string() }),
  "domain.create": z.object({
    host: z.string().min(1),
    path: optionalText,
    port: z.number().nullable().optional(),
    https: z.boolean().optional(),
    certificateType: z.string().optional(),
    customCertResolver: optionalText,
    internalPath: optionalText,
    stripPath: z.boolean().nullable().optional(),
    applicationId: optionalText,
    composeId: optionalText,
    serviceName: optionalText,
    domainType: z.string().optional(),
  }),
  "domain.generateDomain": z.object({ appName: z.string(), serverId: z.string().optional() }),
  "dockerVolume.removeVolume": z.object({ volumeName: z.string().min(1), serverId: z.string().optional() }),
};

export const PREVIEW_QUERIES = ["environment.byProjectId", "domain.byApplicationId"];

/** What of the stand-in the preview procedures read and change. */
export interface PreviewStore {
  readonly projects: Map<string, ProjectRow>;
  readonly applications: Map<string, ApplicationRow>;
  readonly composes: Map<string, ComposeRow>;
  readonly deployments: Map<string, unknown[]>;
  addApplication(overrides: Partial<ApplicationRow>): ApplicationRow;
  /** Throws the error Dokploy answers with. */
  fail(status: number, message: string): never;
}

interface EnvironmentExtra {
  description: string | null;
  createdAt: string;
  env: string;
}

type Input = Record<string, unknown>;

const suffix = (n: number) => randomBytes(n).toString("hex").slice(0, n);

export class PreviewStandIn {
  /** Descriptions, creation times and variables of the environments, by id. */
  private readonly extras = new Map<string, EnvironmentExtra>();
  /** Named volumes docker has: those of deleted services that had been deployed. */
  readonly volumes = new Set<string>();

  constructor(private readonly store: PreviewStore) {}

  handles(procedure: string): boolean {
    return procedure in PREVIEW_SCHEMAS;
  }

  run(procedure: string, input: Input): unknown {
    switch (procedure) {
      case "environment.byProjectId":
        return this.byProjectId(String(input.projectId));
      case "environment.create":
        return this.createEnvironment(input);
      case "environment.update":
        return this.updateEnvironment(input);
      case "environment.remove":
        return this.removeEnvironment(String(input.environmentId));
      case "application.create":
        return this.createApplication(input);
      case "application.update": {
        const app = this.application(input.applicationId);
        for (const [key, value] of Object.entries(input)) if (key !== "applicationId") app[key] = value;
        return true;
      }
      case "application.delete":
        return this.deleteApplication(input.applicationId);
      case "mounts.create":
        return this.createMount(input);
      case "domain.byApplicationId": {
        const app = this.application(input.applicationId);
        const owner = { applicationId: app.applicationId, appName: app.appName, name: app.name };
        return this.domainsOf(app).map((d) => ({ ...d, application: owner }));
      }
      case "domain.create":
        return this.createDomain(input);
      case "domain.generateDomain":
        return `${String(input.appName)}-${suffix(6)}-127-0-0-1.sslip.io`;
      case "dockerVolume.removeVolume": {
        const name = String(input.volumeName);
        if (!this.volumes.delete(name)) {
          this.store.fail(
            500,
            `Command execution failed: Command failed: docker volume rm ${name}\nError response from daemon: get ${name}: no such volume\n`,
          );
        }
        return null;
      }
      default:
        return this.store.fail(404, `No procedure found on path "${procedure}"`);
    }
  }

  /** The environment row as environment.create, update and remove return it. */
  private environmentRow(project: ProjectRow, env: ProjectRow["environments"][number]) {
    const extra = this.extraOf(env.environmentId, env.isDefault);
    return {
      environmentId: env.environmentId,
      name: env.name,
      description: extra.description,
      createdAt: extra.createdAt,
      env: extra.env,
      projectId: project.projectId,
      isDefault: env.isDefault,
    };
  }

  private extraOf(environmentId: string, isDefault: boolean): EnvironmentExtra {
    let extra = this.extras.get(environmentId);
    if (!extra) {
      extra = {
        description: isDefault ? "Production environment" : null,
        createdAt: new Date(0).toISOString(),
        env: "",
      };
      this.extras.set(environmentId, extra);
    }
    return extra;
  }

  private place(environmentId: unknown): { project: ProjectRow; env: ProjectRow["environments"][number] } {
    for (const project of this.store.projects.values()) {
      const env = project.environments.find((e) => e.environmentId === environmentId);
      if (env) return { project, env };
    }
    return this.store.fail(404, "Environment not found");
  }

  private byProjectId(projectId: string): unknown[] {
    const project = this.store.projects.get(projectId);
    if (!project) return [];
    const apps = [...this.store.applications.values()];
    const composes = [...this.store.composes.values()];
    return project.environments.map((env) => {
      const extra = this.extraOf(env.environmentId, env.isDefault);
      return {
        name: env.name,
        description: extra.description,
        environmentId: env.environmentId,
        isDefault: env.isDefault,
        applications: apps
          .filter((a) => a.environmentId === env.environmentId)
          .map((a) => ({
            name: a.name,
            description: a.description ?? null,
            appName: a.appName,
            createdAt: a.createdAt ?? extra.createdAt,
            serverId: a.serverId,
            applicationStatus: a.applicationStatus,
            applicationId: a.applicationId,
            icon: null,
            server: null,
          })),
        mariadb: [],
        mongo: [],
        mysql: [],
        postgres: [],
        redis: [],
        compose: composes
          .filter((c) => c.environmentId === env.environmentId)
          .map((c) => ({
            name: c.name,
            description: c.description ?? null,
            appName: c.appName,
            composeId: c.composeId,
          })),
        libsql: [],
        project: { projectId: project.projectId, name: project.name, description: "", env: project.env },
      };
    });
  }

  private createEnvironment(input: Input) {
    const project = this.store.projects.get(String(input.projectId));
    if (!project) return this.store.fail(404, "Project not found");
    if (input.name === "production") {
      this.store.fail(400, "You cannot create a environment with the name 'production'");
    }
    const env = {
      environmentId: randomBytes(16).toString("base64url").slice(0, 21),
      name: String(input.name),
      isDefault: false,
    };
    (project.environments as ProjectRow["environments"][number][]).push(env);
    const description = typeof input.description === "string" ? input.description : null;
    this.extras.set(env.environmentId, { description, createdAt: new Date().toISOString(), env: "" });
    return this.environmentRow(project, env);
  }

  private updateEnvironment(input: Input) {
    const { project, env } = this.place(input.environmentId);
    const extra = this.extraOf(env.environmentId, env.isDefault);
    if (typeof input.description === "string") extra.description = input.description;
    if (typeof input.env === "string") extra.env = input.env;
    return this.environmentRow(project, env);
  }

  private removeEnvironment(environmentId: string) {
    const { project, env } = this.place(environmentId);
    const busy =
      [...this.store.applications.values()].some((a) => a.environmentId === environmentId) ||
      [...this.store.composes.values()].some((c) => c.environmentId === environmentId);
    if (busy) this.store.fail(400, "Cannot delete environment: it has active services. Delete all services first.");
    if (env.isDefault) this.store.fail(400, "You cannot delete the default environment");
    const row = this.environmentRow(project, env);
    const list = project.environments as ProjectRow["environments"][number][];
    list.splice(list.indexOf(env), 1);
    this.extras.delete(environmentId);
    return row;
  }

  private createApplication(input: Input) {
    const { project, env } = this.place(input.environmentId);
    const base = typeof input.appName === "string" ? input.appName : String(input.name).toLowerCase();
    const app = this.store.addApplication({
      name: String(input.name),
      appName: `${base}-${suffix(6)}`,
      description: input.description ?? null,
      serverId: typeof input.serverId === "string" ? input.serverId : null,
      createdAt: new Date().toISOString(),
      environmentId: env.environmentId,
      environment: {
        environmentId: env.environmentId,
        name: env.name,
        projectId: project.projectId,
        env: this.extraOf(env.environmentId, env.isDefault).env,
        project: { projectId: project.projectId, name: project.name, env: project.env },
      },
      domains: [],
      mounts: [],
    });
    return { ...app };
  }

  private deleteApplication(id: unknown) {
    const app = this.application(id);
    // The service ran: swarm made its named volumes, and application.delete leaves them.
    if ((this.store.deployments.get(app.applicationId) ?? []).length > 0) {
      for (const mount of this.mountsOf(app)) if (mount.type === "volume") this.volumes.add(String(mount.volumeName));
    }
    this.store.applications.delete(app.applicationId);
    this.store.deployments.delete(app.applicationId);
    return { ...app };
  }

  private createMount(input: Input) {
    const app = this.application(input.serviceId);
    const mount = {
      mountId: randomBytes(16).toString("base64url").slice(0, 21),
      type: input.type,
      hostPath: input.hostPath ?? null,
      volumeName: input.volumeName ?? null,
      filePath: input.filePath ?? null,
      content: input.content ?? null,
      serviceType: input.serviceType,
      mountPath: input.mountPath,
      applicationId: app.applicationId,
    };
    app.mounts = [...this.mountsOf(app), mount];
    return mount;
  }

  private createDomain(input: Input) {
    const app = this.application(input.applicationId);
    const domain = {
      domainId: randomBytes(16).toString("base64url").slice(0, 21),
      host: input.host,
      https: input.https ?? false,
      port: input.port ?? null,
      path: input.path ?? "/",
      serviceName: input.serviceName ?? null,
      domainType: input.domainType ?? "application",
      createdAt: new Date().toISOString(),
      composeId: null,
      customCertResolver: input.customCertResolver ?? null,
      applicationId: app.applicationId,
      certificateType: input.certificateType ?? "none",
      internalPath: input.internalPath ?? "/",
      stripPath: input.stripPath ?? false,
    };
    app.domains = [...this.domainsOf(app), domain];
    return domain;
  }

  private application(id: unknown): ApplicationRow {
    const app = this.store.applications.get(String(id));
    return app ?? this.store.fail(404, "Application not found");
  }

  private mountsOf(app: ApplicationRow): Record<string, unknown>[] {
    return Array.isArray(app.mounts) ? (app.mounts as Record<string, unknown>[]) : [];
  }

  private domainsOf(app: ApplicationRow): Record<string, unknown>[] {
    return Array.isArray(app.domains) ? (app.domains as Record<string, unknown>[]) : [];
  }
}
