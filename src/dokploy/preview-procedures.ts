import { z } from "zod";
import { DokployError } from "../shared/errors";
import type { DokployClient } from "./client";
import { check, nullableString } from "./procedures";
import { DatabaseProcedures } from "./database-procedures";
import { ComposePreviewProcedures } from "./compose-preview-procedures";
import {
  COPIED_COLUMN_SCHEMAS,
  DATABASE_KINDS,
  type DatabaseKind,
  type Domain,
  type DomainFields,
  DomainSchema,
  MountSchema,
} from "./preview-schemas";
import type { Input } from "./types";

export {
  DATABASE_KINDS,
  type DatabaseKind,
  type Domain,
  type DomainFields,
  DomainSchema,
  type Mount,
  MountSchema,
} from "./preview-schemas";

/*
 * The procedures a preview environment needs, as Dokploy v0.30.2 declares them
 * (apps/dokploy/server/api/routers/{environment,application,mount,domain,docker-volume}.ts);
 * all but dockerVolume.removeVolume (v0.30.0) are the same back to v0.28.8. Mutations that
 * create are never retried: a lost answer must not make a second copy.
 */

const ServiceRowSchema = z.object({
  name: z.string(),
  description: nullableString,
  appName: nullableString,
});

const ApplicationRowSchema = ServiceRowSchema.extend({ applicationId: z.string() });
const ComposeRowSchema = ServiceRowSchema.extend({ composeId: z.string() });
export type ComposeRow = z.infer<typeof ComposeRowSchema>;

/** Services of other kinds, only to be named: the preview removes none it did not mark. */
const OTHER_KINDS = ["libsql"] as const;

/** A database as environment.byProjectId lists it; id is its <kind>Id. */
const DatabaseRowSchema = ServiceRowSchema.extend({
  id: z.string(),
  applicationStatus: nullableString,
});
export type DatabaseRow = z.infer<typeof DatabaseRowSchema>;

/** The row of a database of this kind, its <kind>Id as id. */
function databaseRows(kind: DatabaseKind) {
  return z
    .array(z.looseObject({ [`${kind}Id`]: z.string() }).transform((row) => ({ ...row, id: row[`${kind}Id`] })))
    .pipe(z.array(DatabaseRowSchema))
    .nullish();
}

/** One environment of a project as environment.byProjectId lists it (v0.28.8 adds columns; they are dropped). */
export const ProjectEnvironmentSchema = z.object({
  environmentId: z.string(),
  name: z.string(),
  description: nullableString,
  isDefault: z.boolean().nullish(),
  applications: z.array(ApplicationRowSchema).nullish(),
  compose: z.array(ComposeRowSchema).nullish(),
  ...Object.fromEntries(OTHER_KINDS.map((kind) => [kind, z.array(ServiceRowSchema).nullish()])),
  ...Object.fromEntries(DATABASE_KINDS.map((kind) => [kind, databaseRows(kind)])),
});
export type ProjectEnvironment = z.infer<typeof ProjectEnvironmentSchema> &
  Readonly<Partial<Record<(typeof OTHER_KINDS)[number], readonly z.infer<typeof ServiceRowSchema>[] | null>>> &
  Readonly<Partial<Record<DatabaseKind, readonly DatabaseRow[] | null>>>;

/** The databases of an environment, each with its kind. */
export function databasesOf(env: ProjectEnvironment): (DatabaseRow & { kind: DatabaseKind })[] {
  return DATABASE_KINDS.flatMap((kind) => (env[kind] ?? []).map((row) => ({ ...row, kind })));
}

/** The compose services of an environment. */
export function composesOf(env: ProjectEnvironment): ComposeRow[] {
  return env.compose ?? [];
}

/** The services of an environment that are neither applications, compose services nor databases, by name, with their descriptions. */
export function otherServices(env: ProjectEnvironment): { kind: string; name: string; description?: string | null }[] {
  return OTHER_KINDS.flatMap((kind) => (env[kind] ?? []).map((row) => ({ kind, ...row })));
}

/**
 * The template application as a preview copies it (application.one): its place, variables,
 * domains, mounts, and the columns copy.ts lists. Registry credentials and git settings are not
 * kept: the preview gets its own Docker provider from the deploy stage.
 */
export const TemplateApplicationSchema = z.object({
  applicationId: z.string(),
  name: z.string(),
  appName: z.string(),
  description: nullableString,
  serverId: nullableString,
  env: nullableString,
  environment: z.object({ environmentId: z.string(), projectId: z.string(), env: nullableString }),
  domains: z.array(DomainSchema).nullish(),
  mounts: z.array(MountSchema).nullish(),
  ...COPIED_COLUMN_SCHEMAS,
});
export type TemplateApplication = z.infer<typeof TemplateApplicationSchema>;

/** What every template of a preview, application or compose service, has: its name, server and environment. */
export type PreviewTemplate = Pick<TemplateApplication, "name" | "serverId" | "environment">;

const EnvironmentRowSchema = z.object({ environmentId: z.string(), name: z.string() });
const CreatedApplicationSchema = z.object({ applicationId: z.string(), appName: z.string(), name: z.string() });

/** The new mount of a service, as mounts.create takes it. */
export interface MountFields {
  readonly type: "volume" | "file";
  readonly mountPath: string;
  readonly volumeName?: string;
  readonly content?: string;
  readonly filePath?: string;
}

/** Typed procedures of preview environments over a client. */
export class PreviewProcedures {
  /** The procedures of the databases of a whole environment's preview. */
  readonly databases: DatabaseProcedures;
  /** The procedures of a preview of a compose service. */
  readonly composes: ComposePreviewProcedures;

  constructor(readonly client: DokployClient) {
    this.databases = new DatabaseProcedures(client);
    this.composes = new ComposePreviewProcedures(client);
  }

  async templateApplication(applicationId: string): Promise<TemplateApplication> {
    const value = await this.client.query("application.one", { applicationId });
    const app = check("application.one", TemplateApplicationSchema, value);
    if (app.applicationId !== applicationId) {
      throw new DokployError(
        "application.one",
        200,
        `Dokploy application.one answered about application ${app.applicationId}, not ${applicationId}; nothing was changed.`,
      );
    }
    return app;
  }

  /** The project's environments, oldest first, with their services' names and descriptions. */
  async environments(projectId: string): Promise<ProjectEnvironment[]> {
    const value = await this.client.query("environment.byProjectId", { projectId });
    return check("environment.byProjectId", z.array(ProjectEnvironmentSchema), value);
  }

  async createEnvironment(projectId: string, name: string, description: string): Promise<string> {
    const value = await this.client.mutation("environment.create", { projectId, name, description });
    return check("environment.create", EnvironmentRowSchema, value).environmentId;
  }

  async updateEnvironment(environmentId: string, changes: { description?: string; env?: string }): Promise<void> {
    await this.client.mutation("environment.update", { environmentId, ...changes }, { retry: true });
  }

  async removeEnvironment(environmentId: string): Promise<void> {
    await this.client.mutation("environment.remove", { environmentId });
  }

  async createApplication(fields: {
    name: string;
    appName: string;
    description: string;
    environmentId: string;
    serverId?: string | null;
  }): Promise<{ applicationId: string; appName: string; name: string }> {
    const input = { ...fields, serverId: fields.serverId ?? undefined };
    const value = await this.client.mutation("application.create", input);
    return check("application.create", CreatedApplicationSchema, value);
  }

  /** application.update: the keys given, nothing else (the input is a partial application). */
  async updateApplication(applicationId: string, changes: Input): Promise<void> {
    await this.client.mutation("application.update", { ...changes, applicationId }, { retry: true });
  }

  /** Deletes the application with its swarm service, Traefik file and rows; named volumes stay. */
  async deleteApplication(applicationId: string): Promise<void> {
    await this.client.mutation("application.delete", { applicationId });
  }

  async createMount(serviceId: string, fields: MountFields): Promise<void> {
    await this.client.mutation("mounts.create", { ...fields, serviceId, serviceType: "application" });
  }

  async domains(applicationId: string): Promise<Domain[]> {
    const value = await this.client.query("domain.byApplicationId", { applicationId });
    return check("domain.byApplicationId", z.array(DomainSchema), value);
  }

  /** A domain of the application; Dokploy writes its Traefik router at once. */
  async createDomain(applicationId: string, fields: DomainFields): Promise<Domain> {
    const input = { ...fields, applicationId, domainType: "application" };
    const value = await this.client.mutation("domain.create", input);
    return check("domain.create", DomainSchema, value);
  }

  /** A host Dokploy makes for the app name (sslip.io or traefik.me); another at each call. */
  async generateDomain(appName: string, serverId?: string | null): Promise<string> {
    const input = { appName, ...(serverId ? { serverId } : {}) };
    const value = await this.client.mutation("domain.generateDomain", input);
    return check("domain.generateDomain", z.string().min(1), value);
  }

  /** Removes a named docker volume (v0.30.0 and later). */
  async removeVolume(volumeName: string, serverId?: string | null): Promise<void> {
    await this.client.mutation("dockerVolume.removeVolume", { volumeName, ...(serverId ? { serverId } : {}) });
  }
}
