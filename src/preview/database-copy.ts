import { randomBytes } from "node:crypto";
import type { DatabaseFields, TemplateDatabase } from "../dokploy/database-procedures";
import type { DatabaseKind } from "../dokploy/preview-schemas";
import type { InputValue } from "../dokploy/types";
import { copiedSettings, rewriteEnv } from "./copy";

/*
 * What a preview takes from a database of the template's environment: its kind, image, database
 * and user names, variables, command, resources and swarm settings. Never its data (the copy
 * gets a volume of its own, empty), its passwords (the step makes new ones), its published port
 * or its backups.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** The largest multiple of the alphabet's length below 256: bytes above it are dropped, so no letter is likelier. */
const FAIR = 256 - (256 % ALPHABET.length);

/**
 * A new password: 24 letters and digits (Dokploy's password rule allows them, and a URL needs
 * no escaping for them).
 */
export function freshPassword(random: (n: number) => Uint8Array = randomBytes): string {
  let out = "";
  while (out.length < 24) {
    for (const byte of random(32)) {
      if (byte < FAIR && out.length < 24) out += ALPHABET[byte % ALPHABET.length];
    }
  }
  return out;
}

/** The passwords of a database: the user's and, for mysql and mariadb, root's. */
export interface DatabasePasswords {
  readonly databasePassword: string;
  readonly databaseRootPassword?: string;
}

/**
 * New passwords for a copy of the template database, one per password it has. A template
 * password already given a new one (`minted`, by the template's password) gets the same again:
 * databases that share a password in the template share one in the preview, so a variable
 * that holds it keeps working for each.
 */
export function freshPasswords(
  kind: DatabaseKind,
  template: DatabasePasswords,
  minted: Map<string, string>,
  random?: (n: number) => Uint8Array,
): DatabasePasswords {
  const mint = (old: string | undefined | null) => {
    const known = old ? minted.get(old) : undefined;
    if (known) return known;
    const fresh = freshPassword(random);
    if (old) minted.set(old, fresh);
    return fresh;
  };
  const databasePassword = mint(template.databasePassword);
  return kind === "mysql" || kind === "mariadb"
    ? { databasePassword, databaseRootPassword: mint(template.databaseRootPassword) }
    : { databasePassword };
}

/** What <kind>.create takes for the preview's copy: the fields of this kind, the template's names and image. */
export function databaseCreateFields(
  kind: DatabaseKind,
  template: TemplateDatabase,
  copy: { appName: string; description: string; environmentId: string; passwords: DatabasePasswords },
): DatabaseFields {
  const common = {
    name: template.name,
    appName: copy.appName,
    description: copy.description,
    environmentId: copy.environmentId,
    dockerImage: template.dockerImage,
    databasePassword: copy.passwords.databasePassword,
    ...(template.serverId ? { serverId: template.serverId } : {}),
  };
  const named = { databaseName: template.databaseName ?? "", databaseUser: template.databaseUser ?? "" };
  switch (kind) {
    case "postgres":
      return { ...common, ...named };
    case "mysql":
    case "mariadb":
      return { ...common, ...named, databaseRootPassword: copy.passwords.databaseRootPassword ?? "" };
    case "mongo":
      return {
        ...common,
        databaseUser: template.databaseUser ?? "",
        ...(template.replicaSets !== null && template.replicaSets !== undefined
          ? { replicaSets: template.replicaSets }
          : {}),
      };
    case "redis":
      return common;
  }
}

/** The template database's settings as <kind>.update takes them for the copy (never externalPort). */
export function databaseSettings(template: TemplateDatabase, env: string): Record<string, InputValue> {
  return { ...copiedSettings(template), env };
}

/** A template database and its copy in the preview, as the rewrite of variables needs them. */
export interface DatabaseCopy {
  readonly kind: DatabaseKind;
  readonly name: string;
  readonly templateAppName: string;
  readonly appName: string;
  readonly templatePasswords: DatabasePasswords;
  readonly passwords: DatabasePasswords;
}

/** A password shorter than this could be any word of the variables: it is not looked for. */
export const SHORTEST_REWRITTEN = 8;

/** The template's passwords that are not looked for in the variables (too short to find safely). */
export function shortPasswords(copies: readonly DatabaseCopy[]): DatabaseCopy[] {
  return copies.filter((copy) =>
    [copy.templatePasswords.databasePassword, copy.templatePasswords.databaseRootPassword].some(
      (p) => p !== undefined && p !== "" && p.length < SHORTEST_REWRITTEN,
    ),
  );
}

/**
 * The variables with every template database's host (its appName) replaced by its copy's, and
 * every template password, as written or URL-encoded, by the copy's.
 */
export function rewriteForCopies(env: string, copies: readonly DatabaseCopy[]): string {
  const hosts = new Map(copies.map((copy) => [copy.templateAppName, copy.appName]));
  let text = rewriteEnv(env, hosts);
  for (const copy of copies) {
    const pairs: [string | undefined, string | undefined][] = [
      [copy.templatePasswords.databasePassword, copy.passwords.databasePassword],
      [copy.templatePasswords.databaseRootPassword, copy.passwords.databaseRootPassword],
    ];
    for (const [from, to] of pairs) {
      if (from === undefined || to === undefined || from.length < SHORTEST_REWRITTEN) continue;
      for (const form of new Set([from, encodeURIComponent(from)])) text = text.split(form).join(to);
    }
  }
  return text;
}
