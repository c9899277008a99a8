import { z } from "zod";
import { nullableString } from "./procedures";
import type { InputValue } from "./types";

/* The shapes the procedures of applications and of databases of a preview share. */

/** The databases a preview of a whole environment copies (libsql, newer and of another shape, is not). */
export const DATABASE_KINDS = ["postgres", "mysql", "mariadb", "mongo", "redis"] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

export const MountSchema = z.object({
  mountId: z.string(),
  type: z.string(),
  mountPath: z.string(),
  volumeName: nullableString,
  content: nullableString,
  filePath: nullableString,
  hostPath: nullableString,
});
export type Mount = z.infer<typeof MountSchema>;

export const DomainSchema = z.object({
  domainId: z.string(),
  host: z.string(),
  path: nullableString,
  port: z.number().nullish(),
  https: z.boolean().nullish(),
  certificateType: nullableString,
  customCertResolver: nullableString,
  internalPath: nullableString,
  stripPath: z.boolean().nullish(),
});
export type Domain = z.infer<typeof DomainSchema>;

/** The fields of a new domain, as domain.create takes them for an application. */
export interface DomainFields {
  readonly host: string;
  readonly path: string;
  readonly port: number;
  readonly https: boolean;
  readonly certificateType: string;
  readonly customCertResolver: string;
  readonly internalPath?: string | null;
  readonly stripPath?: boolean | null;
}

/** JSON as Dokploy keeps it in a column (swarm settings), handed back as it came. */
const Json: z.ZodType<InputValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(Json), z.record(z.string(), Json)]),
);

/** The columns copy.ts lists, as application.one and <database>.one answer them. */
export const COPIED_COLUMN_SCHEMAS = {
  command: nullableString,
  args: z.array(z.string()).nullish(),
  replicas: z.number().nullish(),
  createEnvFile: z.boolean().nullish(),
  memoryReservation: nullableString,
  memoryLimit: nullableString,
  cpuReservation: nullableString,
  cpuLimit: nullableString,
  stopGracePeriodSwarm: z.number().nullish(),
  healthCheckSwarm: Json.nullish(),
  restartPolicySwarm: Json.nullish(),
  placementSwarm: Json.nullish(),
  updateConfigSwarm: Json.nullish(),
  rollbackConfigSwarm: Json.nullish(),
  modeSwarm: Json.nullish(),
  labelsSwarm: Json.nullish(),
  networkSwarm: Json.nullish(),
  ulimitsSwarm: Json.nullish(),
};
