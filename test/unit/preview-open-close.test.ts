import { describe, expect, it } from "vitest";
import type { PreviewOptions } from "../../src/config/types";
import type {
  Domain,
  DomainFields,
  MountFields,
  PreviewProcedures,
  ProjectEnvironment,
  TemplateApplication,
} from "../../src/dokploy/preview-procedures";
import type { DatabaseFields, TemplateDatabase } from "../../src/dokploy/database-procedures";
import type { Input } from "../../src/dokploy/types";
import { closePreview, prunePreviews } from "../../src/preview/close";
import type { PreviewContext, PreviewKey } from "../../src/preview/context";
import { formatMarker } from "../../src/preview/marker";
import { openPreview } from "../../src/preview/open";
import { Ledger } from "../../src/record/ledger";
import { Redactor } from "../../src/shared/log";
import { MemoryLogger } from "../support/loggers";

const options: PreviewOptions = {
  mode: "open",
  number: "42",
  name: "pr-42",
  template: "target",
  host: "pr-42.preview.test",
  env: [],
  ttlSeconds: 60,
  limit: 2,
};
const key: PreviewKey = { template: { kind: "application", id: "tpl" }, repo: "acme/web", options };
const markerOf = (pr: string, created = "2026-12-07T10:00:00.000Z") =>
  formatMarker({ pr, repo: "acme/web", template: key.template, created });

const template: TemplateApplication = {
  applicationId: "tpl",
  name: "web",
  appName: "web-a1b2c3",
  environment: { environmentId: "prod", projectId: "p1", env: "" },
  env: "A=1",
  domains: [{ domainId: "d0", host: "web.example.com", port: 3000, path: "/", https: true }],
  mounts: [{ mountId: "m0", type: "volume", mountPath: "/data", volumeName: "web-data" }],
};

/** Dokploy's side, in memory: environments of project p1 in creation order, with their applications. */
class FakeDokploy {
  readonly calls: string[] = [];
  envs: ProjectEnvironment[] = [{ environmentId: "prod", name: "production", isDefault: true, applications: [] }];
  /** Environments another run makes while this one creates its own. */
  alongside: ProjectEnvironment[] = [];
  readonly domainsOf = new Map<string, Domain[]>();
  readonly mountsOf = new Map<string, { type: string; volumeName: string; mountPath: string }[]>();
  readonly appUpdates: Input[] = [];
  /** Databases by id, as <kind>.one answers. */
  readonly dbs = new Map<string, TemplateDatabase & { kind: string }>();
  private id = 0;

  /** A database in the environment, as Dokploy lists and keeps it. */
  addDatabase(environmentId: string, kind: "postgres", row: TemplateDatabase, id: string): void {
    this.dbs.set(id, { ...row, kind });
    const env = this.envs.find((e) => e.environmentId === environmentId);
    const listed = {
      id,
      name: row.name,
      appName: row.appName,
      description: row.description,
      applicationStatus: "idle",
    };
    if (env) Object.assign(env, { [kind]: [...(env[kind] ?? []), listed] });
  }

  private databasesApi() {
    const call = (name: string) => this.calls.push(name);
    return {
      database: (_kind: string, id: string) => Promise.resolve(structuredClone(this.dbs.get(id))),
      createDatabase: (kind: "postgres", f: DatabaseFields) => {
        call(`${kind}.create ${f.appName} ${f.dockerImage}`);
        const id = `db${String(++this.id)}`;
        const appName = `${f.appName}-zzzzzz`;
        const mounts = [{ mountId: "dm", type: "volume", mountPath: "/data", volumeName: `${appName}-data` }];
        this.addDatabase(f.environmentId, kind, { ...f, appName, mounts, databaseRootPassword: null }, id);
        return Promise.resolve({ id, appName, name: f.name });
      },
      updateDatabase: (kind: string, _id: string, changes: Input) =>
        Promise.resolve(call(`${kind}.update ${JSON.stringify(changes)}`)),
      deployDatabase: (kind: string, id: string) => {
        call(`${kind}.deploy ${id}`);
        for (const env of this.envs) {
          for (const row of env.postgres ?? []) if (row.id === id) Object.assign(row, { applicationStatus: "done" });
        }
        return Promise.resolve();
      },
      removeDatabase: (kind: "postgres", id: string) => {
        call(`${kind}.remove ${id}`);
        for (const env of this.envs) Object.assign(env, { [kind]: env[kind]?.filter((row) => row.id !== id) });
        return Promise.resolve();
      },
    };
  }

  api(): PreviewProcedures {
    const call = (name: string) => this.calls.push(name);
    const fake = {
      environments: () => Promise.resolve(structuredClone(this.envs)),
      createEnvironment: (_p: string, name: string, description: string) => {
        call("environment.create");
        const environmentId = `env${String(++this.id)}`;
        this.envs.push(...this.alongside.splice(0), { environmentId, name, description, applications: [] });
        return Promise.resolve(environmentId);
      },
      updateEnvironment: () => Promise.resolve(call("environment.update")),
      removeEnvironment: (id: string) => {
        call(`environment.remove ${id}`);
        this.envs = this.envs.filter((e) => e.environmentId !== id);
        return Promise.resolve();
      },
      createApplication: (f: { name: string; appName: string; description: string; environmentId: string }) => {
        call("application.create");
        const made = { applicationId: `app${String(++this.id)}`, appName: `${f.appName}-zzzzzz`, name: f.name };
        this.envs
          .find((e) => e.environmentId === f.environmentId)
          ?.applications?.push({ ...made, description: f.description });
        return Promise.resolve(made);
      },
      updateApplication: (_id: string, changes: Input) => {
        this.appUpdates.push(changes);
        return Promise.resolve(call("application.update"));
      },
      createMount: (id: string, f: MountFields) => {
        call("mounts.create");
        this.mountsOf.set(id, [
          ...(this.mountsOf.get(id) ?? []),
          { type: f.type, volumeName: f.volumeName ?? "", mountPath: f.mountPath },
        ]);
        return Promise.resolve();
      },
      domains: (id: string) => Promise.resolve(this.domainsOf.get(id) ?? []),
      createDomain: (id: string, f: DomainFields) => {
        call(`domain.create ${f.host}:${String(f.port)}`);
        const domain = { domainId: `d${String(++this.id)}`, host: f.host, port: f.port, https: f.https, path: f.path };
        this.domainsOf.set(id, [...(this.domainsOf.get(id) ?? []), domain]);
        return Promise.resolve(domain);
      },
      templateApplication: (id: string) =>
        Promise.resolve({
          ...template,
          applicationId: id,
          mounts: (this.mountsOf.get(id) ?? []).map((m, i) => ({ mountId: `m${String(i)}`, ...m })),
        }),
      deleteApplication: (id: string) => {
        call(`application.delete ${id}`);
        for (const env of this.envs) env.applications = env.applications?.filter((a) => a.applicationId !== id);
        return Promise.resolve();
      },
      removeVolume: (name: string) => Promise.resolve(call(`dockerVolume.removeVolume ${name}`)),
      databases: this.databasesApi(),
    };
    return fake as unknown as PreviewProcedures;
  }
}

function context(preview: PreviewOptions = options): PreviewContext & { logger: MemoryLogger } {
  const logger = new MemoryLogger();
  const running = [{ containerId: "c1", state: "running", currentState: "Running 2 seconds ago", error: "" }];
  return {
    config: {
      ci: { sha: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c", repository: "acme/web" },
      tag: "1",
      dokployUrl: "",
      verifyTimeoutSeconds: 60,
      preview,
    },
    dokploy: { serviceTasks: () => Promise.resolve(running) },
    redactor: new Redactor(),
    logger,
    ledger: new Ledger(),
    ports: { logger, clock: () => 0, sleep: () => Promise.resolve(), now: () => new Date("2026-12-07T12:00:00Z") },
  } as unknown as PreviewContext & { logger: MemoryLogger };
}

describe("opening a preview", () => {
  it("makes it once: a second open finds the environment and the copy by their marker and adds no domain", async () => {
    const dokploy = new FakeDokploy();
    const first = await openPreview(context(), dokploy.api(), key, template);
    expect(first.url).toBe("https://pr-42.preview.test");
    expect(dokploy.calls.filter((c) => !c.startsWith("environment.update"))).toEqual([
      "environment.create",
      "application.create",
      "mounts.create",
      "application.update",
      "domain.create pr-42.preview.test:3000",
    ]);
    expect(dokploy.mountsOf.get(first.ref.id)).toEqual([
      { type: "volume", volumeName: "web-data-pr-42", mountPath: "/data" },
    ]);
    dokploy.calls.length = 0;
    const second = await openPreview(context(), dokploy.api(), key, template);
    expect(second).toEqual(first);
    expect(dokploy.calls).toEqual(["application.update", "environment.update"]);
  });

  it("refuses the template's host and a preview beyond the limit before creating anything", async () => {
    const dokploy = new FakeDokploy();
    const sameHost = { ...key, options: { ...options, host: "web.example.com" } };
    await expect(openPreview(context(), dokploy.api(), sameHost, template)).rejects.toThrow(
      'Input "preview-host": web.example.com is a domain of the template application "web"',
    );
    dokploy.envs.push(
      { environmentId: "e1", name: "pr-1", description: markerOf("1"), applications: [] },
      { environmentId: "e2", name: "pr-2", description: markerOf("2"), applications: [] },
      // Not ours: other markers, names alone, do not count.
      { environmentId: "e3", name: "pr-3", description: "pr-3", applications: [] },
    );
    await expect(openPreview(context(), dokploy.api(), key, template)).rejects.toThrow(
      'Input "preview-limit": 2 previews of application "web" are open (pr-1, pr-2), the limit is 2',
    );
    expect(dokploy.calls).toEqual([]);
  });

  it("gives way when another run made this pull request's preview at the same moment", async () => {
    const dokploy = new FakeDokploy();
    dokploy.alongside = [{ environmentId: "theirs", name: "pr-42", description: markerOf("42"), applications: [] }];
    await expect(openPreview(context(), dokploy.api(), key, template)).rejects.toThrow("this run removed its own copy");
    expect(dokploy.calls).toEqual(["environment.create", "environment.remove env1"]);
    expect(dokploy.envs.map((e) => e.environmentId)).toEqual(["prod", "theirs"]);
  });
});

describe("closing a preview", () => {
  it("removes the marked copy, its preview volumes and the environment; nothing else", async () => {
    const dokploy = new FakeDokploy();
    const opened = await openPreview(context(), dokploy.api(), key, template);
    dokploy.calls.length = 0;
    await closePreview(context(), dokploy.api(), key, template);
    expect(dokploy.calls).toEqual([
      `application.delete ${opened.ref.id}`,
      "dockerVolume.removeVolume web-data-pr-42",
      `environment.remove ${opened.environmentId}`,
    ]);
  });

  it("leaves and names a service without the marker, and so keeps the environment", async () => {
    const dokploy = new FakeDokploy();
    const opened = await openPreview(context(), dokploy.api(), key, template);
    dokploy.envs
      .at(-1)
      ?.applications?.push({ applicationId: "notes", name: "notes", appName: "notes-x", description: null });
    dokploy.calls.length = 0;
    await expect(closePreview(context(), dokploy.api(), key, template)).rejects.toThrow(
      'holds application "notes" without this pull request\'s marker',
    );
    expect(dokploy.calls).toEqual([`application.delete ${opened.ref.id}`, "dockerVolume.removeVolume web-data-pr-42"]);
  });

  it("does not wait for a volume that was never made (its service never ran)", async () => {
    const dokploy = new FakeDokploy();
    const opened = await openPreview(context(), dokploy.api(), key, template);
    const api = dokploy.api();
    const missing = (volumeName: string) =>
      Promise.reject(new Error(`Command failed: docker volume rm ${volumeName}\nget ${volumeName}: no such volume`));
    // A clock that moves, so a step that waits for the volume gives up instead of spinning.
    let now = 0;
    const base = context();
    const ctx = { ...base, ports: { ...base.ports, clock: () => (now += 10_000) } };
    await closePreview(ctx, { ...api, removeVolume: missing } as unknown as PreviewProcedures, key, template);
    expect(dokploy.calls.at(-1)).toBe(`environment.remove ${opened.environmentId}`);
    expect(ctx.logger.lines).toContain("info: Volume web-data-pr-42 does not exist (its service never ran).");
  });

  it("never removes the template's environment, even when it carries a marker", async () => {
    const dokploy = new FakeDokploy();
    dokploy.envs = [
      { environmentId: "prod", name: "production", description: markerOf("42"), isDefault: false, applications: [] },
    ];
    await expect(closePreview(context(), dokploy.api(), key, template)).rejects.toThrow("is the template's");
    expect(dokploy.calls).toEqual([]);
  });

  it("prune removes the previews past preview-ttl since their last deploy, and only those", async () => {
    const dokploy = new FakeDokploy();
    const marker = (pr: string, created: string, deployed?: string) =>
      formatMarker({ pr, repo: "acme/web", template: key.template, created, deployed });
    dokploy.envs.push(
      // Made long ago, never deployed: past the TTL (60 s before 12:00).
      { environmentId: "old", name: "pr-1", description: marker("1", "2026-12-07T10:00:00.000Z"), applications: [] },
      // Made long ago, deployed 30 s ago: kept.
      {
        environmentId: "fresh",
        name: "pr-2",
        description: marker("2", "2026-12-07T10:00:00.000Z", "2026-12-07T11:59:30.000Z"),
        applications: [],
      },
      // Someone else's environment of the same age: never touched.
      { environmentId: "theirs", name: "pr-3", description: "staging", applications: [] },
    );
    dokploy.envs[1]?.applications?.push({
      applicationId: "a1",
      name: "web",
      appName: "web-pr-1-x",
      description: marker("1", "2026-12-07T10:00:00.000Z"),
    });
    await prunePreviews(
      context(),
      dokploy.api(),
      { ...key, options: { ...options, mode: "prune", number: undefined } },
      template,
    );
    expect(dokploy.calls).toEqual(["application.delete a1", "environment.remove old"]);
    expect(dokploy.envs.map((e) => e.environmentId)).toEqual(["prod", "fresh", "theirs"]);
  });
});

describe("a preview of a whole environment", () => {
  const envOptions: PreviewOptions = { ...options, template: "environment" };
  const envKey: PreviewKey = { ...key, options: envOptions };
  const secret = "Template-Secret-123";
  const withDatabase = () => {
    const dokploy = new FakeDokploy();
    dokploy.addDatabase(
      "prod",
      "postgres",
      {
        name: "db",
        appName: "db-q1w2e3",
        dockerImage: "127.0.0.1:5000/e2e/pg:1",
        databaseName: "app",
        databaseUser: "app",
        databasePassword: secret,
        env: "PGHOST_SELF=db-q1w2e3",
        mounts: [{ mountId: "t", type: "volume", mountPath: "/data", volumeName: "db-q1w2e3-data" }],
      },
      "tpldb",
    );
    const app = { ...template, env: `DATABASE_URL=postgres://app:${secret}@db-q1w2e3:5432/app` };
    return { dokploy, app };
  };

  it("copies the database with its image and a password of its own, deploys it first, and points the application at it", async () => {
    const { dokploy, app } = withDatabase();
    const ctx = context(envOptions);
    await openPreview(ctx, dokploy.api(), envKey, app);
    const copyName = "db-pr-42-zzzzzz";
    expect(dokploy.calls.filter((c) => !c.startsWith("environment.update"))).toEqual([
      "environment.create",
      "postgres.create db-pr-42 127.0.0.1:5000/e2e/pg:1",
      `postgres.update ${JSON.stringify({ env: `PGHOST_SELF=${copyName}` })}`,
      expect.stringMatching(/^postgres\.deploy db\d+$/),
      "application.create",
      "mounts.create",
      "application.update",
      "domain.create pr-42.preview.test:3000",
    ]);
    const made = [...dokploy.dbs.values()].find((d) => d.appName === copyName);
    expect(made?.databasePassword).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(made?.databasePassword).not.toBe(secret);
    expect(dokploy.appUpdates[0]?.env).toBe(
      `DATABASE_URL=postgres://app:${made?.databasePassword ?? ""}@${copyName}:5432/app`,
    );
    const log = ctx.logger.lines.join("\n");
    expect(log).toContain('Database postgres "db" created in the preview (db-pr-42-zzzzzz)');
    expect(log).toContain("Preview variables that differ from the template's: DATABASE_URL.");
    expect(log).not.toContain(secret);
    expect(ctx.redactor.redact(`${secret} ${made?.databasePassword ?? ""}`)).not.toMatch(/[A-Za-z0-9]{19}/);

    // A second push finds the copy by its marker and keeps its password: nothing made or deployed again.
    dokploy.calls.length = 0;
    dokploy.appUpdates.length = 0;
    await openPreview(context(envOptions), dokploy.api(), envKey, app);
    expect(dokploy.calls).toEqual(["application.update", "environment.update"]);
    expect(dokploy.appUpdates[0]?.env).toContain(`app:${made?.databasePassword ?? ""}@${copyName}:`);
  });

  it("close removes the marked database and its volume with the application, never the template's", async () => {
    const { dokploy, app } = withDatabase();
    const opened = await openPreview(context(envOptions), dokploy.api(), envKey, app);
    dokploy.calls.length = 0;
    await closePreview(context(envOptions), dokploy.api(), envKey, app);
    expect(dokploy.calls).toEqual([
      `application.delete ${opened.ref.id}`,
      expect.stringMatching(/^postgres\.remove db\d+$/),
      "dockerVolume.removeVolume web-data-pr-42",
      "dockerVolume.removeVolume db-pr-42-zzzzzz-data",
      `environment.remove ${opened.environmentId}`,
    ]);
    expect(dokploy.dbs.get("tpldb")?.databasePassword).toBe(secret);
    expect(dokploy.envs.find((e) => e.environmentId === "prod")?.postgres?.map((r) => r.id)).toEqual(["tpldb"]);
  });

  it("close keeps and names a database without the marker", async () => {
    const { dokploy, app } = withDatabase();
    const opened = await openPreview(context(envOptions), dokploy.api(), envKey, app);
    dokploy.addDatabase(
      opened.environmentId,
      "postgres",
      { name: "scratch", appName: "scratch-x", dockerImage: "pg", databasePassword: "x", description: null },
      "theirs",
    );
    await expect(closePreview(context(envOptions), dokploy.api(), envKey, app)).rejects.toThrow(
      'holds postgres "scratch" without this pull request\'s marker',
    );
    expect(dokploy.calls).not.toContain("postgres.remove theirs");
  });
});
