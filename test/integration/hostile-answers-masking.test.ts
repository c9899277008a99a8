/**
 * Masking against the bundled action and CLI: a secret a server echoes where its answer is cut
 * or in an HTML error page, passwords in the URLs of the inputs, and a pull password read from
 * Dokploy that is a common word.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { DEPLOY_ONLY, dokployOf, useStandIn } from "../support/fixtures";
import { printed } from "../support/run-checks";
import { removeTempDirs, tempDir } from "../support/temp";
import { errorAnnotations } from "../support/workflow-commands";

const rig = inject("rig");
const API_KEY = `MARKER-API-${randomBytes(10).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY });
const CLI = process.env.CLI_BUNDLE ?? resolve(import.meta.dirname, "../../dist/cli/index.js");

afterAll(removeTempDirs);

function html(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A server in front of nothing: every request gets what `answer` writes. */
let server: Server | undefined;
async function serve(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(answer);
  await new Promise<void>((done) => server?.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  server = undefined;
});

/** Inputs that deploy an image already pushed, to `url` with `key`. */
function deployOnly(url: string, key: string): Record<string, string> {
  return {
    "dokploy-url": url,
    "dokploy-api-key": key,
    "application-id": "app-1",
    image: `${rig.registryHost}/hostile/masking`,
    ...DEPLOY_ONLY,
  };
}

interface CliRun {
  readonly code: number;
  readonly output: string;
}

function runCli(env: Record<string, string>): Promise<CliRun> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [CLI], { env: { PATH: process.env.PATH ?? "", ...env } }, (_e, o, e) => {
      done({ code: child.exitCode ?? -1, output: `${o}${e}` });
    });
  });
}

describe("a secret where an answer is cut", () => {
  it("shows nothing of an API key an error body echoes across its 300-character cut", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" }).end(`${"x".repeat(290)}${API_KEY} and more`);
    });
    const run = await runAction({ inputs: deployOnly(url, API_KEY) });
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run.stdout)).toContain("application.one (HTTP 500)");
    expect(printed(run)).not.toContain(API_KEY.slice(0, 8));
  });
});

describe("a secret in an HTML error page", () => {
  it("masks the HTML-escaped form of the API key in an echoed error page", async () => {
    const key = `MARKER-API-${randomBytes(6).toString("hex")}&<b>"q'`;
    const url = await serve((req, res) => {
      const page = `<html><body><pre>${html(`x-api-key: ${String(req.headers["x-api-key"])}`)}</pre></body></html>`;
      res.writeHead(500, { "content-type": "text/html" }).end(page);
    });
    const run = await runAction({ inputs: deployOnly(url, key) });
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run.stdout)).toContain("x-api-key: ***");
    for (const form of [key, html(key), "MARKER-API"]) expect(printed(run)).not.toContain(form);
  });
});

describe("passwords in the URLs of the inputs, on GitLab and Bitbucket", () => {
  const PASSWORD = `S3cr-${randomBytes(4).toString("hex")}/pa@ss`;
  const ci = {
    GitLab: { GITLAB_CI: "true", CI_COMMIT_SHA: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c" },
    Bitbucket: { BITBUCKET_BUILD_NUMBER: "7", BITBUCKET_COMMIT: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c" },
  };
  const cases: [string, string][] = [
    ["DOKPLOY_URL", `https://admin:${PASSWORD}@dokploy.example.com:99999`],
    ["DOKPLOY_URL", `ftp://admin:${PASSWORD}@dokploy.example.com`],
    ["HEALTH_URL", `https://probe:${PASSWORD}@app.example.com:99999/health`],
    ["REGISTRY", `user:${PASSWORD}@ghcr.io`],
    ["IMAGE", `user:${PASSWORD}@ghcr.io/acme/web`],
  ];

  it.each(
    Object.entries(ci).flatMap(([name, env]) =>
      cases.map(([variable, value]) => [name, variable, value, env] as const),
    ),
  )("%s, %s: exits 2 naming the variable, without the password", async (_ci, variable, value, env) => {
    const home = await tempDir("cli-masking");
    const run = await runCli({
      ...env,
      HOME: home,
      DOKPLOY_URL: "https://dokploy.example.com",
      DOKPLOY_API_KEY: API_KEY,
      APPLICATION_ID: "app-1",
      IMAGE: "ghcr.io/acme/web",
      TAG: "v1",
      BUILD: "false",
      [variable]: value,
    });
    expect(run.code, run.output).toBe(2);
    expect(run.output).toContain(`${variable}: `);
    for (const part of [PASSWORD, PASSWORD.slice(0, 9), "pa@ss"]) expect(run.output).not.toContain(part);
  });
});

describe("a pull password read from Dokploy that is a common word", () => {
  it("does not mask that word inside the image output", async () => {
    const app = standIn().addApplication({ sourceType: "docker", username: "puller", password: "acme" });
    const image = `${rig.registryHost}/acme/masking`;
    const run = await runAction({
      inputs: { ...dokployOf(standIn(), API_KEY), "application-id": app.applicationId, image, ...DEPLOY_ONLY },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.image).toBe(`${image}:v1`);
    expect(run.outputs["deployment-status"]).toBe("done");
  });
});
