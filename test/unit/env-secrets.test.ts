/**
 * The values of a target's environment as Dokploy holds it, masked like the step's secrets: in
 * every form a container or a server may print them, but for values that say nothing (short,
 * booleans, integers) and for our own image variables.
 */
import { describe, expect, it } from "vitest";
import { maskEnvironment, secretValuesOf, sharedValuesOf } from "../../src/targets/env-secrets";
import { Redactor } from "./imports";

/** A value with characters that each form writes its own way. */
const TOKEN = `tok/3n+"p@ss wörd\\x`;

/** A Redactor that found the values of `env` (as checkApplication and checkCompose do). */
function redactorOf(env: string, except: readonly string[] = []): Redactor {
  const r = new Redactor();
  for (const value of secretValuesOf(env, except)) r.addFound(value);
  return r;
}

describe("a target's environment values, masked", () => {
  const forms: [string, (s: string) => string][] = [
    ["as it is", (s) => s],
    ["base64", (s) => Buffer.from(s).toString("base64")],
    ["inside base64 (API_TOKEN=…, base64-encoded)", (s) => Buffer.from(`API_TOKEN=${s}`).toString("base64")],
    ["URL-encoded", (s) => encodeURIComponent(s)],
    ["JSON-escaped", (s) => JSON.stringify(s).slice(1, -1)],
  ];

  it.each(forms)("masks the value %s", (_name, form) => {
    const r = redactorOf(`PORT=3000\nAPI_TOKEN='${TOKEN}'\n`);
    expect(form(TOKEN)).not.toBe("");
    const out = r.redact(`env: ${form(TOKEN)} .`);
    expect(out).not.toContain(form(TOKEN));
    expect(out).toMatch(/^env: .*\*\*\*.* \.$/);
  });

  it("masks each line of a value over several lines, printed line by line", () => {
    const lines = ["-----BEGIN PRIVATE KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "-----END PRIVATE KEY-----"];
    for (const env of [`KEY="${lines.join("\n")}"`, `KEY="${lines.join("\\n")}"`, `KEY='${lines.join("\r\n")}'`]) {
      const r = redactorOf(`A=1\n${env}\nB=2\n`);
      for (const line of lines) expect(r.redact(`container | ${line}`)).toBe("container | ***");
    }
  });

  it("masks a value whatever its variable's name, and as node's dotenv reads a bare value with a #", () => {
    const r = redactorOf("GREETING=hello world\nexport DSN=postgres://u:pw@db/app # main\nPASS=abcd#efgh\n");
    expect(r.redact("hello world; postgres://u:pw@db/app; abcd#efgh; abcd")).toBe("***; ***; ***; ***");
  });

  it("leaves short values, booleans, integers and empty values alone", () => {
    const env = "A=abc\nB=true\nC=Off\nD=YES\nE=3000\nF=-1\nG=\nH='  '\nI=\"8080\"\nJ=no\nAPI_TOKEN=s3cret-token\n";
    expect(secretValuesOf(env, [])).toEqual(["s3cret-token"]);
    const text = "abc true Off YES 3000 -1 8080 no";
    expect(redactorOf(env).redact(`${text} s3cret-token`)).toBe(`${text} ***`);
  });

  it("leaves the variables named (the compose's image and tag) alone", () => {
    const env = "IMAGE=ghcr.io/acme/web:v1.2.3\nTAG=v1.2.3\nDB_PASSWORD=hunter22\n";
    expect(secretValuesOf(env, ["IMAGE", "TAG"])).toEqual(["hunter22"]);
    expect(redactorOf(env, ["IMAGE", "TAG"]).redact("ghcr.io/acme/web:v1.2.3 hunter22")).toBe(
      "ghcr.io/acme/web:v1.2.3 ***",
    );
    expect(secretValuesOf(env, [])).toEqual(["ghcr.io/acme/web:v1.2.3", "v1.2.3", "hunter22"]);
  });

  it("finds nothing in no environment", () => {
    expect(secretValuesOf(null, [])).toEqual([]);
    expect(secretValuesOf(undefined, [])).toEqual([]);
    expect(secretValuesOf("# only a comment\n\n", [])).toEqual([]);
  });
});

describe("the shared variables a target's environment refers to", () => {
  const shared = {
    project: "DB_PASSWORD=pr0ject-pass\nUNUSED=not-referred-to\nSHORT=abc\n",
    environment: "API_KEY='env-k3y'\nDB_PASSWORD=other-pass\n",
  };

  it("masks the values of those it refers to (${{project.NAME}}, ${{environment.NAME}}), by the same rules", () => {
    const env =
      "DB=postgres://app:${{project.DB_PASSWORD}}@db/app\nKEY=${{environment.API_KEY}}\nS=${{project.SHORT}}\n";
    expect(sharedValuesOf(env, [], shared)).toEqual(["pr0ject-pass", "env-k3y"]);
    const r = new Redactor();
    maskEnvironment(r, { env, environment: { env: shared.environment, project: { env: shared.project } } });
    expect(r.redact("postgres://app:pr0ject-pass@db/app env-k3y other-pass not-referred-to abc")).toBe(
      "postgres://app:***@db/app *** other-pass not-referred-to abc",
    );
  });

  it("leaves those our variables refer to alone, and finds nothing without shared variables", () => {
    expect(sharedValuesOf("IMAGE=${{project.DB_PASSWORD}}\n", ["IMAGE"], shared)).toEqual([]);
    expect(sharedValuesOf("DB=${{project.DB_PASSWORD}}\n", [], {})).toEqual([]);
  });
});
