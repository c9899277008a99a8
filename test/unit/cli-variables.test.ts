/**
 * Every variable the CLI reads is in the pipe's variables table, and each is also read as a
 * Woodpecker or Drone plugin's PLUGIN_<NAME>: derived from the code (what its readers ask the
 * environment for, and every env.NAME in src/cli), not from a list kept beside it.
 */
import { readFile, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PROVIDERS, ciDebug, ciTempRoot } from "../../src/cli/context";
import { PLUGIN_PREFIX, cliVariablesFromEnv, inputsFromEnv } from "../../src/cli/env";

const root = resolve(import.meta.dirname, "../..");
const cli = join(root, "src/cli");

/** Runs `read` on an environment that answers `value` to every name, and returns the names asked for. */
function namesRead(read: (env: Record<string, string | undefined>) => unknown, value?: string): Set<string> {
  const asked = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get: (_target, name) => {
      if (typeof name === "string") asked.add(name);
      return value;
    },
  });
  read(env);
  return asked;
}

/** The names a source file reads as env.NAME, env["NAME"] or env[`${prefix}NAME`]. */
function staticReads(source: string): string[] {
  const names: string[] = [];
  for (const m of source.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)\b|\[\s*(["'`])(.*?)\2\s*\])/g)) {
    const name = m[1] ?? /([A-Z][A-Z0-9_]*)$/.exec(m[3] ?? "")?.[1];
    if (name) names.push(name);
  }
  return names;
}

async function pipeTable(): Promise<string[]> {
  const readme = await readFile(join(root, "bitbucket/README.md"), "utf8");
  const table = readme.slice(readme.indexOf("<!-- variables:start -->"), readme.indexOf("<!-- variables:end -->"));
  return [...table.matchAll(/^\| ([A-Z][A-Z0-9_]*)(?: \(\*\))? \|/gm)].map((m) => m[1] ?? "");
}

/** What the settings readers ask for, once given nothing (so each falls back to the plain name). */
const settingsRead = namesRead((env) => {
  inputsFromEnv(env);
  cliVariablesFromEnv(env);
});
const plain = [...settingsRead].filter((n) => !n.startsWith(PLUGIN_PREFIX)).sort();
const plugin = [...settingsRead].filter((n) => n.startsWith(PLUGIN_PREFIX)).map((n) => n.slice(PLUGIN_PREFIX.length));

/** What the CI providers read: the variables each CI sets (with each one set, and with none, for ?? and &&). */
const readByProviders = (env: Record<string, string | undefined>) => {
  for (const provider of PROVIDERS) {
    provider.detect(env);
    void provider.context(env, () => Promise.resolve({ exitCode: 1, stdout: "", stderr: "" }));
    provider.defaults(env);
  }
  ciDebug(env);
  ciTempRoot(env);
};
const ciRead = new Set([...namesRead(readByProviders, "x"), ...namesRead(readByProviders)]);

describe("the variables the CLI reads", () => {
  it("are each in the pipe's variables table, and the table has no other", async () => {
    expect(plain.length).toBeGreaterThan(60);
    expect(plain).toContain("OUTPUT_FILE");
    expect((await pipeTable()).sort()).toEqual(plain);
  });

  it("are each read as PLUGIN_<NAME> too: the plugin's settings are the same set", () => {
    expect(plugin.sort()).toEqual(plain);
  });

  it("every env.NAME in src/cli outside context.ts is one of them; context.ts reads only the CI's own", async () => {
    const settings = new Set(plain);
    for (const file of (await readdir(cli)).filter((f) => f.endsWith(".ts"))) {
      const reads = staticReads(await readFile(join(cli, file), "utf8"));
      if (file === "context.ts") {
        expect(reads.length).toBeGreaterThan(20);
        for (const name of reads) expect(settings.has(name), `${file} reads ${name}, a setting`).toBe(false);
        for (const name of reads) expect(ciRead.has(name), `${file} reads ${name} outside a provider`).toBe(true);
      } else {
        for (const name of reads) {
          expect(settings.has(name) || ciRead.has(name), `${file} reads ${name}, in no table`).toBe(true);
        }
      }
    }
  });

  it("finds what a new read would add", () => {
    expect(
      staticReads("const a = env.OUTPUT_FILE ?? env['X_Y'] ?? env[`${prefix}PULL_PASSWORD`] ?? env[name];"),
    ).toEqual(["OUTPUT_FILE", "X_Y", "PULL_PASSWORD"]);
  });
});
