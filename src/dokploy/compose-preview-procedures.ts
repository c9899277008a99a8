import { z } from "zod";
import { DokployError } from "../shared/errors";
import type { DokployClient } from "./client";
import { type DomainFields, DomainSchema } from "./preview-schemas";
import { check, nullableString } from "./procedures";

/*
 * The compose procedures a preview of a compose service needs, as Dokploy v0.30.2 declares them
 * (apps/dokploy/server/api/routers/{compose,domain,docker-volume}.ts): compose.create takes
 * {name, appName, description, environmentId, composeType, sourceType, composeFile, serverId} and
 * answers the new row (appName with "-" and 6 characters of Dokploy's appended); compose.update
 * changes only the keys given; compose.delete {composeId, deleteVolumes} runs `docker stack rm`
 * (a stack's named volumes <appName>_<name> stay) or `docker compose down [--volumes]`.
 */

/** A domain of a compose service: the service of its file that takes the host. */
export const ComposeDomainSchema = DomainSchema.extend({ serviceName: nullableString });
export type ComposeDomain = z.infer<typeof ComposeDomainSchema>;

/** The template compose as a preview copies it (compose.one). Git settings are not kept. */
export const TemplateComposeSchema = z.object({
  composeId: z.string(),
  name: z.string(),
  appName: z.string(),
  description: nullableString,
  serverId: nullableString,
  /** "docker-compose" or "stack". */
  composeType: z.string(),
  sourceType: nullableString,
  composeFile: nullableString,
  env: nullableString,
  command: nullableString,
  environment: z.object({ environmentId: z.string(), projectId: z.string(), env: nullableString }),
  domains: z.array(ComposeDomainSchema).nullish(),
  mounts: z.array(z.object({ mountId: z.string() })).nullish(),
});
export type TemplateCompose = z.infer<typeof TemplateComposeSchema>;

const CreatedComposeSchema = z.object({ composeId: z.string(), appName: z.string(), name: z.string() });

/** The fields of a compose's new domain: an application's, and the service of the file it routes to. */
export interface ComposeDomainFields extends DomainFields {
  readonly serviceName: string;
}

const VolumeSchema = z.looseObject({ Name: z.string() });

/** Typed compose procedures of a preview over a client. */
export class ComposePreviewProcedures {
  constructor(readonly client: DokployClient) {}

  async templateCompose(composeId: string): Promise<TemplateCompose> {
    const value = await this.client.query("compose.one", { composeId });
    const compose = check("compose.one", TemplateComposeSchema, value);
    if (compose.composeId !== composeId) {
      throw new DokployError(
        "compose.one",
        200,
        `Dokploy compose.one answered about compose ${compose.composeId}, not ${composeId}; nothing was changed.`,
      );
    }
    return compose;
  }

  /** A new compose service holding the file as given (raw source); not retried: a lost answer must not make two. */
  async createCompose(fields: {
    name: string;
    appName: string;
    description: string;
    environmentId: string;
    composeType: string;
    composeFile: string;
    serverId?: string | null;
  }): Promise<{ composeId: string; appName: string; name: string }> {
    const input = { ...fields, sourceType: "raw", serverId: fields.serverId ?? undefined };
    const value = await this.client.mutation("compose.create", input);
    return check("compose.create", CreatedComposeSchema, value);
  }

  /** The compose's file (raw source) and variables, written again at each push. */
  async updateCompose(composeId: string, changes: { composeFile: string; env: string }): Promise<void> {
    await this.client.mutation("compose.update", { composeId, sourceType: "raw", ...changes }, { retry: true });
  }

  /** Stops and deletes the compose with its rows; deleteVolumes takes a docker-compose's named volumes too. */
  async deleteCompose(composeId: string): Promise<void> {
    await this.client.mutation("compose.delete", { composeId, deleteVolumes: true });
  }

  async domains(composeId: string): Promise<ComposeDomain[]> {
    const value = await this.client.query("domain.byComposeId", { composeId });
    return check("domain.byComposeId", z.array(ComposeDomainSchema), value);
  }

  /** A domain of the compose; Dokploy writes its Traefik labels into the file at the next deploy. */
  async createDomain(composeId: string, fields: ComposeDomainFields): Promise<ComposeDomain> {
    const input = { ...fields, composeId, domainType: "compose" };
    const value = await this.client.mutation("domain.create", input);
    return check("domain.create", ComposeDomainSchema, value);
  }

  /** The names of the docker volumes on the machine (docker volume ls; Dokploy answers [] when it fails). */
  async volumeNames(serverId?: string | null): Promise<string[]> {
    const value = await this.client.query("dockerVolume.getVolumes", serverId ? { serverId } : {});
    return check("dockerVolume.getVolumes", z.array(VolumeSchema), value ?? []).map((v) => v.Name);
  }
}
