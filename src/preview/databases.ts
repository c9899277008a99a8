import type { DatabaseProcedures, TemplateDatabase } from "../dokploy/database-procedures";
import {
  type PreviewProcedures,
  type DatabaseRow,
  type ProjectEnvironment,
  type TemplateApplication,
  composesOf,
  databasesOf,
  otherServices,
} from "../dokploy/preview-procedures";
import type { DatabaseKind } from "../dokploy/preview-schemas";
import { DeployError } from "../shared/errors";
import { isRunning, taskError } from "../targets/verify";
import type { PreviewContext, PreviewKey } from "./context";
import { previewAppName } from "./copy";
import {
  type DatabaseCopy,
  type DatabasePasswords,
  databaseCreateFields,
  databaseSettings,
  freshPasswords,
  rewriteForCopies,
  shortPasswords,
} from "./database-copy";
import { isMarkedService } from "./find";
import { previewMarker } from "./environment";

/** A database of the preview that this run deploys: made now, or found not yet deployed. */
interface ToDeploy {
  readonly kind: DatabaseKind;
  readonly id: string;
  readonly name: string;
  readonly appName: string;
  readonly serverId?: string | null;
}

/** The preview's copies of the template's databases, and those of them to deploy. */
export interface PreviewDatabases {
  readonly copies: readonly DatabaseCopy[];
  readonly deploy: readonly ToDeploy[];
}

export const NO_DATABASES: PreviewDatabases = { copies: [], deploy: [] };

const VERIFY_POLL_MS = 2_000;

function passwordsOf(database: TemplateDatabase): DatabasePasswords {
  return database.databaseRootPassword
    ? { databasePassword: database.databasePassword, databaseRootPassword: database.databaseRootPassword }
    : { databasePassword: database.databasePassword };
}

/** The passwords a database's row carries are masked from here on; they are never logged. */
function mask(ctx: PreviewContext, passwords: DatabasePasswords): void {
  ctx.redactor.addFound(passwords.databasePassword);
  ctx.redactor.addFound(passwords.databaseRootPassword);
}

/** Names the services of the template's environment a preview does not copy (other applications, compose, libsql). */
function warnNotCopied(ctx: PreviewContext, template: TemplateApplication, env: ProjectEnvironment): void {
  const others = [
    ...(env.applications ?? [])
      .filter((a) => a.applicationId !== template.applicationId)
      .map((a) => `application "${a.name}"`),
    ...composesOf(env).map((c) => `compose "${c.name}"`),
    ...otherServices(env).map((s) => `${s.kind} "${s.name}"`),
  ];
  if (others.length > 0) {
    ctx.logger.warn(`Not copied into the preview (only the target and the databases are): ${others.join(", ")}.`);
  }
}

interface CopyOfOne {
  readonly copy: DatabaseCopy;
  readonly deploy?: ToDeploy;
  readonly made?: { kind: DatabaseKind; id: string; template: TemplateDatabase };
}

/** The copy an earlier run made: its passwords as it has them; deployed again when it never was. */
async function foundCopy(
  ctx: PreviewContext,
  db: DatabaseProcedures,
  original: TemplateDatabase,
  found: DatabaseRow & { kind: DatabaseKind; appName: string },
): Promise<CopyOfOne> {
  const templatePasswords = passwordsOf(original);
  mask(ctx, templatePasswords);
  const passwords = passwordsOf(await db.database(found.kind, found.id));
  mask(ctx, passwords);
  const { kind, id, name, appName } = found;
  return {
    copy: { kind, name, templateAppName: original.appName, appName, templatePasswords, passwords },
    ...(found.applicationStatus === "done" ? {} : { deploy: { kind, id, name, appName, serverId: original.serverId } }),
  };
}

/** A new copy of the template database: its names and image, passwords of its own, marked. */
async function newCopy(
  ctx: PreviewContext,
  db: DatabaseProcedures,
  key: PreviewKey,
  original: TemplateDatabase,
  where: {
    kind: DatabaseKind;
    environment: { environmentId: string };
    description: string;
    /** The new password given for each template password so far. */
    minted: Map<string, string>;
  },
): Promise<CopyOfOne> {
  const { kind } = where;
  const templatePasswords = passwordsOf(original);
  mask(ctx, templatePasswords);
  const passwords = freshPasswords(kind, templatePasswords, where.minted);
  mask(ctx, passwords);
  const fields = databaseCreateFields(kind, original, {
    appName: previewAppName(original.appName, key.options.name),
    description: where.description,
    environmentId: where.environment.environmentId,
    passwords,
  });
  const created = await db.createDatabase(kind, fields);
  ctx.ledger.record({ kind: "preview-service", service: kind, ...created });
  ctx.logger.info(`Database ${kind} "${created.name}" created in the preview (${created.appName}).`);
  return {
    copy: {
      kind,
      name: created.name,
      templateAppName: original.appName,
      appName: created.appName,
      templatePasswords,
      passwords,
    },
    deploy: { kind, ...created, serverId: original.serverId },
    made: { kind, id: created.id, template: original },
  };
}

/**
 * The preview's copy of each database of the template's environment: found by its marker and
 * name, else made with passwords of its own and the template's settings. A copy made now, or
 * one a failed run left undeployed, is to be deployed.
 */
export async function databasesFor(
  ctx: PreviewContext,
  api: PreviewProcedures,
  key: PreviewKey,
  template: TemplateApplication,
  environment: { environmentId: string; created: string },
): Promise<PreviewDatabases> {
  const db = api.databases;
  const listed = await api.environments(template.environment.projectId);
  const source = listed.find((e) => e.environmentId === template.environment.environmentId);
  const preview = listed.find((e) => e.environmentId === environment.environmentId);
  if (!source) return NO_DATABASES;
  warnNotCopied(ctx, template, source);
  const description = previewMarker(key, environment);
  const copies: DatabaseCopy[] = [];
  const deploy: ToDeploy[] = [];
  const made: { kind: DatabaseKind; id: string; template: TemplateDatabase }[] = [];
  const minted = new Map<string, string>();
  for (const row of databasesOf(source)) {
    const original = await db.database(row.kind, row.id);
    const found = (preview ? databasesOf(preview) : []).find(
      (r) =>
        r.kind === row.kind &&
        r.appName?.startsWith(`${previewAppName(original.appName, key.options.name)}-`) &&
        isMarkedService(r.description, key),
    );
    const copy = found?.appName
      ? await foundCopy(ctx, db, original, { ...found, appName: found.appName })
      : await newCopy(ctx, db, key, original, { kind: row.kind, environment, description, minted });
    copies.push(copy.copy);
    if (copy.deploy) deploy.push(copy.deploy);
    if (copy.made) made.push(copy.made);
  }
  for (const short of shortPasswords(copies)) {
    ctx.logger.warn(
      `The password of the template's ${short.kind} "${short.name}" is shorter than 8 characters: it is not looked for in the variables. Give the preview's password through preview-env if the application needs it.`,
    );
  }
  // Settings once every copy is known: a database's variables may name another one.
  for (const { kind, id, template: original } of made) {
    await db.updateDatabase(kind, id, databaseSettings(original, rewriteForCopies(original.env ?? "", copies)));
  }
  return { copies, deploy };
}

/** Waits until swarm runs a task of the database's service, as a deploy's verify does. */
async function waitRunning(ctx: PreviewContext, database: ToDeploy): Promise<void> {
  const start = ctx.ports.clock();
  let lastError: string | undefined;
  for (;;) {
    const tasks = await ctx.dokploy.serviceTasks(database.appName, database.serverId);
    if (tasks.some(isRunning)) return;
    lastError = tasks.map(taskError).find((e) => e !== undefined) ?? lastError;
    if (ctx.ports.clock() - start > ctx.config.verifyTimeoutSeconds * 1000) {
      throw new DeployError(
        `The preview's ${database.kind} "${database.name}" (${database.appName}) is not running after ${String(ctx.config.verifyTimeoutSeconds)} s (verify-timeout).${lastError ? ` Swarm says: ${lastError}` : ""}`,
      );
    }
    await ctx.ports.sleep(VERIFY_POLL_MS, ctx.signal);
  }
}

/** Deploys the preview's new databases, one after the other, each until swarm runs it. */
export async function deployDatabases(
  ctx: PreviewContext,
  db: DatabaseProcedures,
  databases: readonly ToDeploy[],
): Promise<void> {
  for (const database of databases) {
    ctx.logger.info(`Deploying the preview's ${database.kind} "${database.name}" (${database.appName}).`);
    await db.deployDatabase(database.kind, database.id);
    await waitRunning(ctx, database);
    ctx.logger.info(`The preview's ${database.kind} "${database.name}" runs.`);
  }
}
