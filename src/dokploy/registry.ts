import { normalizeRegistryHost } from "../shared/image";
import type { Dokploy, Registry, RegistryFields } from "./procedures";

export type RegistryPlan =
  | { readonly action: "create"; readonly fields: RegistryFields }
  | {
      readonly action: "update";
      readonly registryId: string;
      readonly changes: Partial<RegistryFields>;
    }
  | { readonly action: "none"; readonly registryId: string };

export interface RegistryWish {
  readonly fields: RegistryFields;
  /** The user named the entry: rename a matching entry to it. */
  readonly nameGiven: boolean;
}

/**
 * Decides how to make Dokploy's registry entries hold the wanted credentials for one host:
 * an entry for the same host (Docker Hub's aliases are one host) is updated, only in the fields
 * that differ, so a re-run with the same values writes nothing. Dokploy keeps no server on an
 * entry (a serverId only says where create and update run `docker login`): an update names the
 * server again, so its login runs there.
 */
export function planRegistryUpsert(existing: readonly Registry[], wish: RegistryWish): RegistryPlan {
  const { fields } = wish;
  const host = normalizeRegistryHost(fields.registryUrl);
  const candidates = existing.filter((r) => normalizeRegistryHost(r.registryUrl) === host);
  const match =
    candidates.find((r) => r.registryName === fields.registryName) ??
    candidates.find((r) => r.username === fields.username) ??
    candidates[0];
  if (!match) return { action: "create", fields };
  const changes: { -readonly [K in keyof RegistryFields]?: RegistryFields[K] } = {};
  if (match.username !== fields.username) changes.username = fields.username;
  if (match.password !== fields.password) changes.password = fields.password;
  if (fields.imagePrefix !== null && match.imagePrefix !== fields.imagePrefix) changes.imagePrefix = fields.imagePrefix;
  if (wish.nameGiven && match.registryName !== fields.registryName) changes.registryName = fields.registryName;
  if (Object.keys(changes).length === 0) return { action: "none", registryId: match.registryId };
  if (fields.serverId) changes.serverId = fields.serverId;
  return { action: "update", registryId: match.registryId, changes };
}

/** Applies a plan; returns the registry id. */
export async function applyRegistryPlan(dokploy: Dokploy, plan: RegistryPlan): Promise<string> {
  switch (plan.action) {
    case "create":
      return (await dokploy.registryCreate(plan.fields)).registryId;
    case "update":
      await dokploy.registryUpdate(plan.registryId, plan.changes);
      return plan.registryId;
    case "none":
      return plan.registryId;
  }
}

/** The plan in words, without secrets. */
export function describeRegistryPlan(plan: RegistryPlan): string {
  switch (plan.action) {
    case "create":
      return `create registry entry "${plan.fields.registryName}" for ${plan.fields.registryUrl || "Docker Hub"}`;
    case "update":
      return `update registry entry ${plan.registryId} (${Object.keys(plan.changes).join(", ")})`;
    case "none":
      return `registry entry ${plan.registryId} is up to date; no change`;
  }
}
