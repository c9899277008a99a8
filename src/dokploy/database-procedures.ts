import { z } from "zod";
import { DokployError } from "../shared/errors";
import type { DokployClient } from "./client";
import { COPIED_COLUMN_SCHEMAS, type DatabaseKind, MountSchema } from "./preview-schemas";
import { check, nullableString } from "./procedures";
import type { Input } from "./types";

/*
 * The procedures of Dokploy's databases a preview of a whole environment needs
 * (apps/dokploy/server/api/routers/{postgres,mysql,mariadb,mongo,redis}.ts, the same from
 * v0.28.8 to v0.30.2): each kind has <kind>.one/create/update/deploy/remove keyed by <kind>Id.
 * Their answers carry the database's passwords in clear: they are parsed here and never logged.
 */

/** A database as <kind>.one answers: what a preview copies of it, and its passwords. */
export const TemplateDatabaseSchema = z.object({
  name: z.string(),
  appName: z.string(),
  description: nullableString,
  serverId: nullableString,
  dockerImage: z.string(),
  env: nullableString,
  databaseName: nullableString,
  databaseUser: nullableString,
  databasePassword: z.string(),
  databaseRootPassword: nullableString,
  replicaSets: z.boolean().nullish(),
  applicationStatus: nullableString,
  mounts: z.array(MountSchema).nullish(),
  ...COPIED_COLUMN_SCHEMAS,
});
export type TemplateDatabase = z.infer<typeof TemplateDatabaseSchema>;

/** What <kind>.create takes; each kind picks its own of these (extra keys are dropped by Dokploy's schema). */
export interface DatabaseFields {
  readonly name: string;
  readonly appName: string;
  readonly description: string;
  readonly environmentId: string;
  readonly dockerImage: string;
  readonly databasePassword: string;
  readonly databaseName?: string;
  readonly databaseUser?: string;
  readonly databaseRootPassword?: string;
  readonly replicaSets?: boolean;
  readonly serverId?: string;
}

export interface CreatedDatabase {
  readonly id: string;
  readonly appName: string;
  readonly name: string;
}

const CreatedRowSchema = z.looseObject({ appName: z.string(), name: z.string() });

const idKey = (kind: DatabaseKind) => `${kind}Id`;

/** Typed database procedures over a client. */
export class DatabaseProcedures {
  constructor(readonly client: DokployClient) {}

  async database(kind: DatabaseKind, id: string): Promise<TemplateDatabase> {
    const value = await this.client.query(`${kind}.one`, { [idKey(kind)]: id });
    return check(`${kind}.one`, TemplateDatabaseSchema, value);
  }

  /** A new database with a volume `<appName>-data` of its own (Dokploy mounts it at create). */
  async createDatabase(kind: DatabaseKind, fields: DatabaseFields): Promise<CreatedDatabase> {
    const value = await this.client.mutation(`${kind}.create`, { ...fields });
    const row = check(`${kind}.create`, CreatedRowSchema, value);
    const id = row[idKey(kind)];
    if (typeof id !== "string") {
      throw new DokployError(`${kind}.create`, 200, `Dokploy ${kind}.create answered without ${idKey(kind)}.`);
    }
    return { id, appName: row.appName, name: row.name };
  }

  /** <kind>.update: the keys given, nothing else. */
  async updateDatabase(kind: DatabaseKind, id: string, changes: Input): Promise<void> {
    await this.client.mutation(`${kind}.update`, { ...changes, [idKey(kind)]: id }, { retry: true });
  }

  /** Pulls the image on the server and creates or updates the swarm service; answers when it is done. */
  async deployDatabase(kind: DatabaseKind, id: string): Promise<void> {
    await this.client.mutation(`${kind}.deploy`, { [idKey(kind)]: id });
  }

  /** Removes the swarm service and the row; the volume stays. */
  async removeDatabase(kind: DatabaseKind, id: string): Promise<void> {
    await this.client.mutation(`${kind}.remove`, { [idKey(kind)]: id });
  }
}
