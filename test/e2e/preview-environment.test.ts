/**
 * A preview of a whole environment against a live Dokploy: with preview-template: environment,
 * the template's postgres is copied beside the application with its image, a password and a
 * volume of its own, deployed first and running in swarm; the copy of the application names the
 * copy's host and password; a second push reuses both; close removes them and the volume.
 */
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { type E2E, commitSha, describeLive } from "../support/e2e";
import { newAppIn, newProject, suffix } from "../support/live-targets";
import {
  type DatabaseKind as Kind,
  MARKER,
  app,
  databases,
  environments,
  marked,
  onlyPreview,
  removePreviewsAfter,
} from "../support/live-previews";

const KEEP_RUNNING = ["-c", "trap 'exit 0' TERM; sleep 86400 & wait"];

interface PostgresRow {
  postgresId: string;
  appName: string;
  description: string | null;
  dockerImage: string;
  databaseName: string;
  databaseUser: string;
  databasePassword: string;
  externalPort: number | null;
  applicationStatus: string;
  mounts: { type: string; volumeName: string | null }[];
}

function postgres(e2e: E2E, postgresId: string): Promise<PostgresRow> {
  return e2e.dokploy.query<PostgresRow>("postgres.one", { postgresId });
}

async function volumes(e2e: E2E): Promise<string[]> {
  return (await e2e.swarm.docker(["volume", "ls", "-q"])).split("\n").filter(Boolean);
}

/** The service's published ports, as swarm has them. */
async function publishedPorts(e2e: E2E, appName: string): Promise<unknown[]> {
  const text = await e2e.swarm.docker(["service", "inspect", appName, "--format", "{{json .Endpoint.Ports}}"]);
  return (JSON.parse(text) as unknown[] | null) ?? [];
}

describeLive("a preview of a whole environment against a live Dokploy", (e2e) => {
  it("copies the template's postgres with its image and a password of its own, runs both, and close removes them", async () => {
    const project = await newProject(e2e, "preview-env");
    const tag = suffix();
    removePreviewsAfter(e2e, project, tag);
    // No image comes from Docker Hub here: the template database runs an image of the rig's
    // registry that keeps running. Dokploy pulls it with the login of its registry entry for
    // that registry, which the step's registry inputs make (the same registry as the app's).
    const dbImage = `${e2e.image("preview-db")}:1`;
    await e2e.pushImage(dbImage, await e2e.checkout());
    const templatePassword = `Tpl${randomBytes(12).toString("hex")}`;
    const db = await e2e.dokploy.mutate<{ postgresId: string; appName: string }>("postgres.create", {
      name: `db-${tag}`,
      appName: `db-${tag}`,
      databaseName: "app",
      databaseUser: "app",
      databasePassword: templatePassword,
      dockerImage: dbImage,
      environmentId: project.environmentId,
    });
    e2e.onCleanUp(() => e2e.dokploy.mutate("postgres.remove", { postgresId: db.postgresId }).then(() => undefined));
    const web = await newAppIn(e2e, project, `web-${tag}`);
    const templateEnv = `DATABASE_URL=postgres://app:${templatePassword}@${db.appName}:5432/app\nA=1`;
    await e2e.dokploy.updateApplication(web.applicationId, { env: templateEnv });
    const image = e2e.image("preview-env");
    const inputs = e2e.inputs(web, image, {
      preview: "open",
      "preview-template": "environment",
      "preview-number": "8",
      "preview-host": `pr-{number}-${tag}.preview.test`,
    });
    const env = { GITHUB_REPOSITORY: "acme/web" };
    const secrets = [templatePassword];

    const first = await e2e.runAction(commitSha(), inputs, { cwd: await e2e.checkout(), env, secrets });

    expect(first.exitCode, first.stdout).toBe(0);
    const preview = await onlyPreview(e2e, project);
    expect(preview?.applications).toHaveLength(1);
    expect(preview?.postgres).toHaveLength(1);
    const dbRow = preview?.postgres?.[0];
    expect(dbRow?.description).toMatch(new RegExp(`^${MARKER}pr=8 repo=acme%2Fweb template=application:`));
    const dbCopy = await postgres(e2e, dbRow?.postgresId ?? "");
    expect(dbCopy.appName).toMatch(new RegExp(`^db-${tag}-pr-8-[a-z0-9]{6}$`));
    expect(dbCopy.dockerImage).toBe(dbImage);
    expect([dbCopy.databaseName, dbCopy.databaseUser]).toEqual(["app", "app"]);
    expect(dbCopy.databasePassword).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(dbCopy.externalPort).toBeNull();
    expect(dbCopy.mounts.map((m) => [m.type, m.volumeName])).toEqual([["volume", `${dbCopy.appName}-data`]]);
    const dbTasks = await e2e.swarm.waitUntilRunning(dbCopy.appName, dbImage);
    expect(dbTasks.map((t) => t.state)).toEqual(["running"]);
    expect(await publishedPorts(e2e, dbCopy.appName)).toEqual([]);
    expect(await volumes(e2e)).toContain(`${dbCopy.appName}-data`);
    // The application's copy runs our image and names the copy's host and password.
    const copy = await app(e2e, preview?.applications[0]?.applicationId ?? "");
    expect(copy.env).toBe(`DATABASE_URL=postgres://app:${dbCopy.databasePassword}@${dbCopy.appName}:5432/app\nA=1`);
    expect(copy.env).not.toContain(templatePassword);
    expect(await e2e.swarm.waitUntilRunning(copy.appName, copy.dockerImage ?? "")).toEqual([
      { image: copy.dockerImage, state: "running" },
    ]);
    expect(first.stdout).not.toContain(templatePassword);
    expect(first.stdout).not.toContain(dbCopy.databasePassword);
    expect(first.stdout).toContain(`Database postgres "db-${tag}" created in the preview`);
    // The template database is untouched: its password, its status, no service of its own.
    const templateDb = await postgres(e2e, db.postgresId);
    expect(templateDb).toMatchObject({ appName: db.appName, databasePassword: templatePassword, dockerImage: dbImage });
    expect(templateDb.applicationStatus).toBe("idle");
    expect(await e2e.swarm.service(db.appName)).toBeUndefined();
    expect((await app(e2e, web.applicationId)).env).toBe(templateEnv);

    const dbTaskIds = await e2e.swarm.docker(["service", "ps", "-q", dbCopy.appName]);

    // A second push: the same environment, application and database; the database keeps its
    // password and is not deployed again (its task is the same).
    const second = await e2e.runAction(commitSha(), inputs, { cwd: await e2e.checkout(), env, secrets });

    expect(second.exitCode, second.stdout).toBe(0);
    const again = marked(await environments(e2e, project));
    expect(
      again.map((e) => [
        e.environmentId,
        e.applications.map((a) => a.applicationId),
        (e.postgres ?? []).map((p) => p.postgresId),
      ]),
    ).toEqual([[preview?.environmentId, [copy.applicationId], [dbCopy.postgresId]]]);
    expect((await postgres(e2e, dbCopy.postgresId)).databasePassword).toBe(dbCopy.databasePassword);
    expect(await e2e.swarm.docker(["service", "ps", "-q", dbCopy.appName])).toBe(dbTaskIds);
    const copy2 = await app(e2e, copy.applicationId);
    expect(copy2.env).toBe(copy.env);
    expect(copy2.dockerImage).not.toBe(copy.dockerImage);
    expect(await e2e.swarm.waitUntilRunning(copy.appName, copy2.dockerImage ?? "")).toEqual([
      { image: copy2.dockerImage, state: "running" },
    ]);

    // Close: the marked application, database and their volumes go; the template's stay.
    const closed = await e2e.runAction(
      commitSha(),
      { ...inputs, preview: "close" },
      { cwd: await e2e.checkout(), env },
    );

    expect(closed.exitCode, closed.stdout).toBe(0);
    expect(marked(await environments(e2e, project))).toEqual([]);
    await expect(postgres(e2e, dbCopy.postgresId)).rejects.toThrow();
    await expect(app(e2e, copy.applicationId)).rejects.toThrow();
    expect(await e2e.swarm.service(dbCopy.appName)).toBeUndefined();
    expect(await e2e.swarm.service(copy.appName)).toBeUndefined();
    expect(await volumes(e2e)).not.toContain(`${dbCopy.appName}-data`);
    expect(await postgres(e2e, db.postgresId)).toMatchObject({ databasePassword: templatePassword });
    expect((await app(e2e, web.applicationId)).env).toBe(templateEnv);
  }, 600_000);

  it("copies a mysql, mariadb, mongo and redis the same way, with new passwords shared where the template's are, and prune removes them", async () => {
    const project = await newProject(e2e, "preview-dbs");
    const tag = suffix();
    removePreviewsAfter(e2e, project, tag);
    const dbImage = `${e2e.image("preview-dbs")}:1`;
    await e2e.pushImage(dbImage, await e2e.checkout());
    const password = `Tpl${randomBytes(12).toString("hex")}`;
    const rootPassword = `Root${randomBytes(12).toString("hex")}`;
    const common = { dockerImage: dbImage, environmentId: project.environmentId, databasePassword: password };
    const made = new Map<Kind, { id: string; appName: string }>();
    const fields: Record<Exclude<Kind, "postgres">, Record<string, string>> = {
      mysql: { databaseName: "app", databaseUser: "app", databaseRootPassword: rootPassword },
      mariadb: { databaseName: "app", databaseUser: "app", databaseRootPassword: rootPassword },
      mongo: { databaseUser: "app" },
      redis: {},
    };
    for (const [kind, extra] of Object.entries(fields) as [Exclude<Kind, "postgres">, Record<string, string>][]) {
      const row = await e2e.dokploy.mutate<Record<string, string>>(`${kind}.create`, {
        name: `${kind}-${tag}`,
        appName: `${kind}-${tag}`,
        ...common,
        ...extra,
      });
      const id = row[`${kind}Id`] ?? "";
      made.set(kind, { id, appName: row.appName ?? "" });
      e2e.onCleanUp(() => e2e.dokploy.mutate(`${kind}.remove`, { [`${kind}Id`]: id }).then(() => undefined));
    }
    // Dokploy starts redis with redis-server unless the service has a command: ours keeps running,
    // and the copy must take it over.
    await e2e.dokploy.mutate("redis.update", {
      redisId: made.get("redis")?.id,
      command: "/bin/sh",
      args: KEEP_RUNNING,
    });
    const web = await newAppIn(e2e, project, `web-${tag}`);
    const templateEnv = [
      `MYSQL_URL=mysql://root:${rootPassword}@${made.get("mysql")?.appName ?? ""}:3306/app`,
      `MONGO_URL=mongodb://app:${password}@${made.get("mongo")?.appName ?? ""}:27017`,
    ].join("\n");
    await e2e.dokploy.updateApplication(web.applicationId, { env: templateEnv });
    const inputs = e2e.inputs(web, e2e.image("preview-dbs-web"), {
      preview: "open",
      "preview-template": "environment",
      "preview-number": "9",
    });
    const env = { GITHUB_REPOSITORY: "acme/web" };

    const opened = await e2e.runAction(commitSha(), inputs, {
      cwd: await e2e.checkout(),
      env,
      secrets: [password, rootPassword],
    });

    expect(opened.exitCode, opened.stdout).toBe(0);
    const [preview] = marked(await environments(e2e, project));
    const copies = databases(preview);
    expect(copies.map(([kind]) => kind)).toEqual(["mysql", "mariadb", "mongo", "redis"]);
    const rows = new Map<Kind, Record<string, unknown>>();
    for (const [kind, id, appName] of copies) {
      expect(appName).toMatch(new RegExp(`^${kind}-${tag}-pr-9-[a-z0-9]{6}$`));
      const row = await e2e.dokploy.query<Record<string, unknown>>(`${kind}.one`, { [`${kind}Id`]: id });
      rows.set(kind, row);
      expect(row.dockerImage).toBe(dbImage);
      expect(row.databasePassword).toMatch(/^[A-Za-z0-9]{24}$/);
      expect(row.externalPort ?? null).toBeNull();
      if (kind === "mysql" || kind === "mariadb") expect(row.databaseRootPassword).toMatch(/^[A-Za-z0-9]{24}$/);
      expect((await e2e.swarm.waitUntilRunning(appName, dbImage)).map((t) => t.state)).toEqual(["running"]);
    }
    expect(rows.get("redis")).toMatchObject({ command: "/bin/sh", args: KEEP_RUNNING });
    const copy = await app(e2e, preview?.applications[0]?.applicationId ?? "");
    const mysql = rows.get("mysql");
    const mongo = rows.get("mongo");
    expect(copy.env).toBe(
      [
        `MYSQL_URL=mysql://root:${String(mysql?.databaseRootPassword)}@${String(mysql?.appName)}:3306/app`,
        `MONGO_URL=mongodb://app:${String(mongo?.databasePassword)}@${String(mongo?.appName)}:27017`,
      ].join("\n"),
    );
    // The template's databases share their passwords: so do the copies, with new ones.
    expect(new Set(copies.map(([kind]) => rows.get(kind)?.databasePassword)).size).toBe(1);
    expect(mysql?.databaseRootPassword).toBe(rows.get("mariadb")?.databaseRootPassword);
    expect(mysql?.databaseRootPassword).not.toBe(mysql?.databasePassword);
    expect(opened.stdout).not.toContain(password);
    expect(opened.stdout).not.toContain(rootPassword);

    // The scheduled prune removes them as close does, once the preview has outlived preview-ttl.
    await new Promise((r) => setTimeout(r, 2_000));
    const pruned = await e2e.runAction(
      commitSha(),
      { ...inputs, preview: "prune", "preview-ttl": "1" },
      { cwd: await e2e.checkout(), env },
    );

    expect(pruned.exitCode, pruned.stdout).toBe(0);
    expect(marked(await environments(e2e, project))).toEqual([]);
    const left = await volumes(e2e);
    for (const [kind, id, appName] of copies) {
      await expect(e2e.dokploy.query(`${kind}.one`, { [`${kind}Id`]: id })).rejects.toThrow();
      expect(await e2e.swarm.service(appName)).toBeUndefined();
      expect(left).not.toContain(`${appName}-data`);
    }
    const templates = databases(
      (await environments(e2e, project)).find((e) => e.environmentId === project.environmentId),
    );
    expect(templates.map(([kind, id]) => [kind, id])).toEqual([...made].map(([kind, m]) => [kind, m.id]));
  }, 600_000);

  it("close removes a marked database, keeps one without the marker and the environment, and names it", async () => {
    const project = await newProject(e2e, "preview-dbs-refuse");
    const tag = suffix();
    removePreviewsAfter(e2e, project, tag);
    const web = await newAppIn(e2e, project, `web-${tag}`);
    const marker = `${MARKER}pr=4 repo=acme%2Fweb template=application:${web.applicationId} created=2026-12-07T10:00:00.000Z`;
    const made = await e2e.dokploy.mutate<{ environmentId: string }>("environment.create", {
      projectId: project.projectId,
      name: "pr-4",
      description: marker,
    });
    const database = (name: string, description: string) =>
      e2e.dokploy.mutate<{ postgresId: string }>("postgres.create", {
        name,
        databaseName: "app",
        databaseUser: "app",
        databasePassword: randomBytes(12).toString("hex"),
        dockerImage: "postgres:18",
        environmentId: made.environmentId,
        description,
      });
    const ours = await database(`db-${tag}`, marker);
    const theirs = await database(`scratch-${tag}`, "someone's own");
    e2e.onCleanUp(() => e2e.dokploy.mutate("postgres.remove", { postgresId: theirs.postgresId }).then(() => undefined));

    const run = await e2e.runAction(
      commitSha(),
      e2e.inputs(web, e2e.image("preview-dbs-refuse"), { preview: "close", "preview-number": "4" }),
      { cwd: await e2e.checkout(), env: { GITHUB_REPOSITORY: "acme/web" } },
    );

    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.stdout).toContain(`holds postgres "scratch-${tag}" without this pull request's marker`);
    // Never deployed, it never made its volume: nothing to wait for.
    expect(run.stdout).toMatch(/Volume \S+-data does not exist \(its service never ran\)/);
    await expect(postgres(e2e, ours.postgresId)).rejects.toThrow();
    expect((await postgres(e2e, theirs.postgresId)).postgresId).toBe(theirs.postgresId);
    const left = (await environments(e2e, project)).find((e) => e.environmentId === made.environmentId);
    expect(left?.postgres?.map((p) => p.postgresId)).toEqual([theirs.postgresId]);
  });
});
