/**
 * A misbehaving server or proxy in front of Dokploy, run against the bundled action and CLI:
 * live-log sockets that never close or send binary frames, answers about another application,
 * answers that echo secrets or never end, redirects and self-signed certificates. The run must
 * end, say what happened, and change nothing it should not.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { OUTPUTS } from "../../src/config/config";
import { DEPLOY_ONLY, dokployOf, useStandIn } from "../support/fixtures";
import { tempDir } from "../support/temp";
import { errorAnnotations } from "../support/workflow-commands";
import { printed } from "../support/run-checks";

const rig = inject("rig");
const exec = promisify(execFile);
const API_KEY = `MARKER-API-${randomBytes(10).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY });
// CLI_BUNDLE runs these against another build of the CLI (e.g. an older dist/cli).
const CLI = process.env.CLI_BUNDLE ?? resolve(import.meta.dirname, "../../dist/cli/index.js");
const MiB = 1024 * 1024;

/** Inputs that deploy an image already pushed: no docker, only Dokploy. */
function deployOnly(applicationId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...dokployOf(standIn(), API_KEY),
    "application-id": applicationId,
    image: `${rig.registryHost}/hostile/answers`,
    ...DEPLOY_ONLY,
    ...extra,
  };
}

describe("the live-log WebSocket", () => {
  it.each(["ignores-close", "bad-accept"] as const)("never keeps the step alive: the socket %s", async (logSocket) => {
    const app = standIn().addApplication();
    standIn().scriptDeployments(app.applicationId, {
      logSocket,
      durationMs: 300,
      log: ["Initializing deployment", "Docker Deployed: ✅"],
    });
    const run = await runAction({ inputs: deployOnly(app.applicationId), killAfterMs: 30_000 });
    expect(run.killed, "the step was still running 30 s after it started").toBe(false);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs["deployment-status"]).toBe("done");
  });

  it("reads the log from binary frames", async () => {
    const app = standIn().addApplication();
    standIn().scriptDeployments(app.applicationId, {
      logSocket: "binary",
      durationMs: 300,
      log: ["Initializing deployment", "Pulling ünïcode ✅", "Docker Deployed: ✅"],
    });
    const run = await runAction({ inputs: deployOnly(app.applicationId), killAfterMs: 30_000 });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("│ Pulling ünïcode ✅");
    expect(run.stdout).toContain("│ Docker Deployed: ✅");
    expect(run.outputs["deployment-status"]).toBe("done");
    expect(run.summary).toContain("Deployed");
  });
});

describe("answers about something else", () => {
  it("stops before changing anything when application.one answers about another application", async () => {
    const app = standIn().addApplication({ sourceType: "docker", dockerImage: "127.0.0.1:1/app-1:old" });
    const other = standIn().addApplication({
      name: "other",
      sourceType: "docker",
      dockerImage: "127.0.0.1:1/app-2:stable",
    });
    standIn().scriptDeployments(app.applicationId, { outcome: "error" });
    // A cache in front of Dokploy that ignores the query string.
    standIn().inject({
      procedure: "application.one",
      status: 200,
      times: 20,
      body: JSON.stringify({ result: { data: { json: { ...other, deployments: [] } } } }),
    });
    const run = await runAction({ inputs: deployOnly(app.applicationId, { "rollback-on-failure": "true" }) });
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run.stdout)).toContain(`about application ${other.applicationId}`);
    expect(errorAnnotations(run.stdout)).toContain(app.applicationId);
    expect(standIn().writes()).toEqual([]);
    expect(other.dockerImage).toBe("127.0.0.1:1/app-2:stable");
  });
});

describe("secrets in answers", () => {
  it("masks a password a server echoes back JSON-escaped in an error", async () => {
    const password = `MARKER-PULL-${randomBytes(6).toString("hex")}"quoted"\\back\\slash`;
    const app = standIn().addApplication();
    standIn().inject({ procedure: "application.saveDockerProvider", status: 400, echoBody: true, times: 5 });
    const run = await runAction({
      inputs: deployOnly(app.applicationId, { "pull-username": "puller", "pull-password": password }),
    });
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run.stdout)).toContain("application.saveDockerProvider (HTTP 400)");
    expect(errorAnnotations(run.stdout)).toContain('"password":"***"');
    for (const form of [password, JSON.stringify(password).slice(1, -1)]) expect(printed(run)).not.toContain(form);
  });

  it("masks each line, the URL-encoded and the base64 forms of a multi-line secret in the deployment log", async () => {
    const key = JSON.stringify(
      {
        type: "service_account",
        project_id: "acme",
        private_key_id: randomBytes(20).toString("hex"),
        private_key: `-----BEGIN PRIVATE KEY-----\n${randomBytes(48).toString("base64")}\n-----END PRIVATE KEY-----\n`,
        client_email: `deployer-${randomBytes(4).toString("hex")}@acme.iam.gserviceaccount.com`,
      },
      null,
      2,
    );
    const basic = Buffer.from(`_json_key:${key}`).toString("base64");
    const app = standIn().addApplication();
    standIn().scriptDeployments(app.applicationId, {
      outcome: "error",
      log: [
        "Initializing deployment",
        ...key.split("\n"),
        `Authorization: Basic ${basic}`,
        `GET /token?password=${encodeURIComponent(key)}`,
        "Error occurred ❌, check the logs for details.",
      ],
    });
    const run = await runAction({
      inputs: deployOnly(app.applicationId, { "pull-username": "_json_key", "pull-password": key }),
    });
    expect(run.exitCode).toBe(1);
    // The part of the header that is the secret is masked ("_json_key:" around it need not be).
    expect(run.stdout).toMatch(/│ Authorization: Basic \S*\*\*\*/);
    const lines = key
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.length >= 4);
    for (const form of [...lines, basic, encodeURIComponent(key)]) expect(printed(run)).not.toContain(form);
  });
});

describe("sizes", () => {
  it("stops reading an answer past its limit (a 600 MB answer) and says so", async () => {
    const app = standIn().addApplication();
    standIn().inject({ procedure: "application.one", bodyBytes: 600 * MiB, times: 10 });
    const run = await runAction({ inputs: deployOnly(app.applicationId) });
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run.stdout)).toMatch(/application\.one: the answer is larger than 16 MiB/);
    expect(standIn().streamed).toHaveLength(1);
    expect(standIn().streamed[0]).toBeLessThan(64 * MiB);
  });

  it("caps log lines and the log tail of a failed deployment (50 lines of 1 MiB)", async () => {
    const app = standIn().addApplication();
    const huge = (i: number) => `line ${String(i)} ${"y".repeat(MiB)}`;
    standIn().scriptDeployments(app.applicationId, {
      outcome: "error",
      durationMs: 1500,
      log: ["Initializing deployment", ...Array.from({ length: 50 }, (_, i) => huge(i)), "Error occurred ❌"],
    });
    const run = await runAction({ inputs: deployOnly(app.applicationId), killAfterMs: 90_000 });
    expect(run.exitCode).toBe(1);
    for (const line of run.stdout.split("\n")) expect(line.length).toBeLessThan(MiB);
    const error = errorAnnotations(run.stdout);
    expect(error.length).toBeLessThan(64 * 1024);
    expect(error).toContain("Error occurred ❌");
    expect(error).toMatch(/line 49 y+… \(\d+ more characters\)/);
    expect(run.summary.length).toBeLessThan(MiB);
  });
});

describe("the CLI's OUTPUT_FILE", () => {
  it("writes one KEY=value line per output, whatever the values hold", async () => {
    const app = standIn().addApplication();
    standIn().scriptDeployments(app.applicationId, {
      deploymentId: "dep-1\nDOKPLOY_IMAGE=evil.example.com/owned:latest\r\nDOKPLOY_TAG=owned",
    });
    const dir = await tempDir("cli-out");
    const outputFile = join(dir, "deploy.env");
    const child = spawn(process.execPath, [CLI], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: dir,
        DOKPLOY_URL: standIn().url,
        DOKPLOY_API_KEY: API_KEY,
        APPLICATION_ID: app.applicationId,
        IMAGE: `${rig.registryHost}/hostile/cli`,
        TAG: "v1",
        BUILD: "false",
        VERIFY_PULL: "false",
        OUTPUT_FILE: outputFile,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number>((done) => child.on("close", (c) => done(c ?? -1)));
    expect(code, output).toBe(0);
    const lines = (await readFile(outputFile, "utf8")).trimEnd().split(/\r?\n|\r/);
    // One line per output (the build metadata is left out of the dotenv report), in order.
    expect(lines.map((l) => l.split("=")[0])).toEqual(
      OUTPUTS.filter((o) => o.name !== "metadata").map((o) => `DOKPLOY_${o.name.toUpperCase().replace(/-/g, "_")}`),
    );
    expect(lines[0]).toBe(`DOKPLOY_IMAGE=${rig.registryHost}/hostile/cli:v1`);
    expect(lines[1]).toBe("DOKPLOY_TAG=v1");
  });
});

describe("where Dokploy is", () => {
  it("says where a redirect leads and what to change", async () => {
    const app = standIn().addApplication();
    standIn().inject({
      procedure: "application.one",
      status: 301,
      headers: { location: "https://dokploy.example.com/api/trpc/application.one" },
      times: 10,
    });
    const run = await runAction({ inputs: deployOnly(app.applicationId) });
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run.stdout)).toContain("redirect");
    expect(errorAnnotations(run.stdout)).toContain("https://dokploy.example.com/api/trpc/application.one");
    expect(errorAnnotations(run.stdout)).toMatch(/https:\/\/|base URL/);
  });

  it("points to NODE_EXTRA_CA_CERTS for a self-signed certificate, which then works", async () => {
    const dir = await tempDir("tls");
    await exec("openssl", [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"],
      ...["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
    ]);
    const server = createServer(
      { key: await readFile(join(dir, "key.pem")), cert: await readFile(join(dir, "cert.pem")) },
      (_req, res) => {
        res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ message: "Unauthorized" }));
      },
    );
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    try {
      const url = `https://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
      const inputs = deployOnly("app-1", { "dokploy-url": url, "dokploy-api": "openapi" });
      const untrusted = await runAction({ inputs });
      expect(untrusted.exitCode).toBe(1);
      expect(errorAnnotations(untrusted.stdout)).toMatch(/certificate.*NODE_EXTRA_CA_CERTS/);
      const trusted = await runAction({ inputs, env: { NODE_EXTRA_CA_CERTS: join(dir, "cert.pem") } });
      expect(trusted.exitCode).toBe(1);
      expect(errorAnnotations(trusted.stdout)).toContain("the API key was not accepted");
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });
});

describe("printed nowhere", () => {
  it("keeps the API key out of the log when a hostile server names things after it", async () => {
    const app = standIn().addApplication({ name: `app ${API_KEY}`, appName: "app-named-after-the-key" });
    const run = await runAction({ inputs: deployOnly(app.applicationId) });
    expect(run.exitCode).toBe(0);
    expect(printed(run)).not.toContain(API_KEY);
  });
});
