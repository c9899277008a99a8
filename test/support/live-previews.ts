/**
 * What the preview tests against a live Dokploy share: the marked environments of a project and
 * their databases, a copy's row, a template application or compose service, and the clean-up of
 * whatever a preview left behind.
 */
import { expect } from "vitest";
import type { E2E } from "./e2e";
import { type LiveProject, newAppIn } from "./live-targets";

export interface EnvironmentRow {
  environmentId: string;
  name: string;
  description: string | null;
  applications: { applicationId: string; appName: string; description: string | null }[];
  compose?: { composeId: string; appName: string; description: string | null }[];
  postgres?: DatabaseRow[];
  mysql?: DatabaseRow[];
  mariadb?: DatabaseRow[];
  mongo?: DatabaseRow[];
  redis?: DatabaseRow[];
}

/** A database as environment.byProjectId lists it; its id is <kind>Id. */
export interface DatabaseRow {
  name: string;
  appName: string;
  description: string | null;
  [id: string]: string | null;
}

export const DATABASE_KINDS = ["postgres", "mysql", "mariadb", "mongo", "redis"] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

/** The databases of an environment as [kind, id, appName], kinds in this order. */
export function databases(env: EnvironmentRow | undefined): [DatabaseKind, string, string][] {
  return DATABASE_KINDS.flatMap((kind) =>
    (env?.[kind] ?? []).map((row): [DatabaseKind, string, string] => [kind, row[`${kind}Id`] ?? "", row.appName]),
  );
}

export interface AppRow {
  applicationId: string;
  appName: string;
  description: string | null;
  env: string | null;
  dockerImage: string | null;
  domains: { host: string; port: number | null }[];
  mounts: { type: string; volumeName: string | null; mountPath: string }[];
}

export const MARKER = "dokploy-deploy preview v1 ";

export function environments(e2e: E2E, project: LiveProject): Promise<EnvironmentRow[]> {
  return e2e.dokploy.query<EnvironmentRow[]>("environment.byProjectId", { projectId: project.projectId });
}

export function marked(rows: readonly EnvironmentRow[]): EnvironmentRow[] {
  return rows.filter((row) => row.description?.startsWith(MARKER));
}

/** The project's one marked environment: the preview a run made; fails the test when there is not exactly one. */
export async function onlyPreview(e2e: E2E, project: LiveProject): Promise<EnvironmentRow> {
  const [preview, ...others] = marked(await environments(e2e, project));
  expect(others).toEqual([]);
  expect(preview).toBeDefined();
  return preview as EnvironmentRow;
}

export function app(e2e: E2E, applicationId: string): Promise<AppRow> {
  return e2e.dokploy.query<AppRow>("application.one", { applicationId });
}

/**
 * Whatever a preview left in the project goes before the project (project.remove would orphan
 * its services), then the test's volumes, once swarm lets go of them.
 */
export function removePreviewsAfter(e2e: E2E, project: LiveProject, tag: string): void {
  e2e.onCleanUp(async () => {
    for (const env of marked(await environments(e2e, project))) {
      for (const row of env.applications) await e2e.dokploy.deleteApplication(row.applicationId).catch(() => undefined);
      for (const row of env.compose ?? []) {
        await e2e.dokploy
          .mutate("compose.delete", { composeId: row.composeId, deleteVolumes: true })
          .catch(() => undefined);
      }
      for (const [kind, id] of databases(env)) {
        await e2e.dokploy.mutate(`${kind}.remove`, { [`${kind}Id`]: id }).catch(() => undefined);
      }
      await e2e.dokploy.mutate("environment.remove", { environmentId: env.environmentId }).catch(() => undefined);
    }
    const volumes = (await e2e.swarm.docker(["volume", "ls", "-q"])).split("\n").filter((v) => v.includes(tag));
    for (const volume of volumes) {
      for (let attempt = 0; attempt < 20; attempt++) {
        const gone = await e2e.swarm.docker(["volume", "rm", volume]).then(
          () => true,
          () => false,
        );
        if (gone) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  });
}

/** A template application with variables, a domain and a named volume, never deployed. */
export async function template(e2e: E2E, project: LiveProject, tag: string) {
  const web = await newAppIn(e2e, project, `web-${tag}`);
  await e2e.dokploy.updateApplication(web.applicationId, { env: "A=1\nB=template", replicas: 1 });
  await e2e.dokploy.mutate("domain.create", {
    applicationId: web.applicationId,
    host: `web-${tag}.template.test`,
    path: "/",
    port: 8080,
    https: false,
    certificateType: "none",
    customCertResolver: "",
    domainType: "application",
  });
  const volume = `e2e-preview-data-${tag}`;
  await e2e.dokploy.mutate("mounts.create", {
    type: "volume",
    volumeName: volume,
    mountPath: "/data",
    serviceId: web.applicationId,
    serviceType: "application",
  });
  return { web, volume, host: `web-${tag}.template.test` };
}

export interface ComposeRow {
  composeId: string;
  name: string;
  appName: string;
  description: string | null;
  composeType: string;
  sourceType: string | null;
  composeFile: string;
  env: string | null;
  domains: { host: string; port: number | null; serviceName: string | null }[];
}

export function composeRow(e2e: E2E, composeId: string): Promise<ComposeRow> {
  return e2e.dokploy.query<ComposeRow>("compose.one", { composeId });
}

/**
 * A template stack (raw file, image and a named volume through its variables) with a domain for
 * its service web, never deployed. Its appName holds the tag, so the clean-up finds the volumes
 * of its copies. `env` carries what the test setup's Dokploy needs to reach its engine.
 */
export async function composeTemplate(e2e: E2E, project: LiveProject, tag: string, env: string) {
  const file = "services:\n  web:\n    image: ${IMAGE}\n    volumes:\n      - data:/data\nvolumes:\n  data: {}\n";
  const made = await e2e.dokploy.mutate<{ composeId: string }>("compose.create", {
    name: `shop-${tag}`,
    appName: `shop-${tag}`,
    environmentId: project.environmentId,
    composeType: "stack",
    sourceType: "raw",
    composeFile: file,
  });
  e2e.onCleanUp(async () => {
    await e2e.dokploy
      .mutate("compose.delete", { composeId: made.composeId, deleteVolumes: true })
      .catch(() => undefined);
  });
  await e2e.dokploy.mutate("compose.update", { composeId: made.composeId, env, sourceType: "raw", composeFile: file });
  const host = `shop-${tag}.template.test`;
  await e2e.dokploy.mutate("domain.create", {
    composeId: made.composeId,
    host,
    path: "/",
    port: 8080,
    serviceName: "web",
    https: false,
    certificateType: "none",
    customCertResolver: "",
    domainType: "compose",
  });
  return { shop: await composeRow(e2e, made.composeId), host };
}
