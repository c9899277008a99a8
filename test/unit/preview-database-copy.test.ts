import { describe, expect, it } from "vitest";
import type { TemplateDatabase } from "../../src/dokploy/database-procedures";
import {
  type DatabaseCopy,
  databaseCreateFields,
  databaseSettings,
  freshPassword,
  freshPasswords,
  rewriteForCopies,
  shortPasswords,
} from "../../src/preview/database-copy";

const postgres: TemplateDatabase = {
  name: "db",
  appName: "db-q1w2e3",
  dockerImage: "registry.example.com/postgres:16",
  databaseName: "app",
  databaseUser: "app",
  databasePassword: "Template-Secret-1",
  databaseRootPassword: null,
  serverId: "srv1",
  env: "PGDATA=/var/lib/postgresql/data/pg",
  command: null,
  memoryLimit: "512M",
  replicas: 1,
};

const copy = { appName: "db-pr-7", description: "marker", environmentId: "env1" };

describe("a copy of a template database", () => {
  it("gets a password of 24 letters and digits, a new one each time", () => {
    const passwords = new Set(Array.from({ length: 50 }, () => freshPassword()));
    expect(passwords.size).toBe(50);
    for (const p of passwords) expect(p).toMatch(/^[A-Za-z0-9]{24}$/);
  });

  it("draws every letter equally: bytes past the last whole alphabet are dropped", () => {
    // 248 = 4 × 62: the bytes 248–255 would favour the first 8 letters.
    const bytes = [255, 248, 0, 61, 62, 247];
    const password = freshPassword((n) => Uint8Array.from({ length: n }, (_, i) => bytes[i % bytes.length] ?? 0));
    expect(password.slice(0, 4)).toBe("A9A9");
  });

  it("gets a root password too where the kind has one", () => {
    const user = { databasePassword: "u", databaseRootPassword: "r" };
    expect(Object.keys(freshPasswords("postgres", user, new Map()))).toEqual(["databasePassword"]);
    expect(Object.keys(freshPasswords("mysql", user, new Map()))).toEqual(["databasePassword", "databaseRootPassword"]);
    expect(Object.keys(freshPasswords("mariadb", user, new Map()))).toEqual([
      "databasePassword",
      "databaseRootPassword",
    ]);
    expect(Object.keys(freshPasswords("redis", user, new Map()))).toEqual(["databasePassword"]);
  });

  it("shares a new password where the template's databases share one, and only there", () => {
    const minted = new Map<string, string>();
    const mysql = freshPasswords("mysql", { databasePassword: "shared", databaseRootPassword: "root" }, minted);
    const redis = freshPasswords("redis", { databasePassword: "shared" }, minted);
    const mongo = freshPasswords("mongo", { databasePassword: "own" }, minted);
    expect(redis.databasePassword).toBe(mysql.databasePassword);
    expect(new Set([mysql.databasePassword, mysql.databaseRootPassword, mongo.databasePassword]).size).toBe(3);
    expect([...minted.keys()]).toEqual(["shared", "root", "own"]);
  });

  it("is created with the template's names, image and server and its own passwords, per kind", () => {
    const passwords = { databasePassword: "N".repeat(24), databaseRootPassword: "R".repeat(24) };
    expect(databaseCreateFields("postgres", postgres, { ...copy, passwords })).toEqual({
      name: "db",
      appName: "db-pr-7",
      description: "marker",
      environmentId: "env1",
      dockerImage: "registry.example.com/postgres:16",
      databaseName: "app",
      databaseUser: "app",
      databasePassword: "N".repeat(24),
      serverId: "srv1",
    });
    expect(databaseCreateFields("mariadb", postgres, { ...copy, passwords })).toMatchObject({
      databaseRootPassword: "R".repeat(24),
    });
    const mongo = databaseCreateFields("mongo", { ...postgres, replicaSets: true }, { ...copy, passwords });
    expect(mongo).toMatchObject({ databaseUser: "app", replicaSets: true });
    expect(mongo).not.toHaveProperty("databaseName");
    const redis = databaseCreateFields("redis", { ...postgres, serverId: null }, { ...copy, passwords });
    expect(Object.keys(redis).sort()).toEqual(
      ["appName", "databasePassword", "description", "dockerImage", "environmentId", "name"].sort(),
    );
    expect(JSON.stringify(redis)).not.toContain("Template-Secret-1");
  });

  it("takes the template's variables and resources, never its published port", () => {
    const settings = databaseSettings(
      { ...postgres, externalPort: 5433, endpointSpecSwarm: { Mode: "vip" } } as TemplateDatabase,
      "X=1",
    );
    expect(settings).toEqual({ env: "X=1", command: null, memoryLimit: "512M", replicas: 1 });
  });
});

describe("the application's variables in a preview with databases", () => {
  const copies: DatabaseCopy[] = [
    {
      kind: "postgres",
      name: "db",
      templateAppName: "db-q1w2e3",
      appName: "db-pr-7-z9y8x7",
      templatePasswords: { databasePassword: "p@ss:word/1" },
      passwords: { databasePassword: "Fresh0123456789abcdefghi" },
    },
    {
      kind: "redis",
      name: "cache",
      templateAppName: "cache-a1b2c3",
      appName: "cache-pr-7-k5l6m7",
      templatePasswords: { databasePassword: "short" },
      passwords: { databasePassword: "Other0123456789abcdefghi" },
    },
  ];

  it("name the copies' hosts and passwords, as written or URL-encoded", () => {
    const env = [
      "DATABASE_URL=postgres://app:p%40ss%3Aword%2F1@db-q1w2e3:5432/app",
      "PGPASSWORD=p@ss:word/1",
      "PGHOST=db-q1w2e3",
      "OTHER=db-q1w2e3-replica",
      "REDIS_URL=redis://:short@cache-a1b2c3:6379",
    ].join("\n");
    expect(rewriteForCopies(env, copies)).toBe(
      [
        "DATABASE_URL=postgres://app:Fresh0123456789abcdefghi@db-pr-7-z9y8x7:5432/app",
        "PGPASSWORD=Fresh0123456789abcdefghi",
        "PGHOST=db-pr-7-z9y8x7",
        "OTHER=db-q1w2e3-replica",
        // A password this short could be any word: left, and named in a warning.
        "REDIS_URL=redis://:short@cache-pr-7-k5l6m7:6379",
      ].join("\n"),
    );
    expect(shortPasswords(copies).map((c) => c.name)).toEqual(["cache"]);
  });
});
