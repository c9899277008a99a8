/**
 * Odd but legal inputs, as an attacker (or an unlucky commit message) would give them, run
 * through the bundled action against the real engine and registry and the Dokploy stand-in:
 * nothing they hold may become a workflow command, reach a child's environment, or be printed.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { type IncomingMessage, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { DEPLOY_ONLY, standInInputs, useStandIn } from "../support/fixtures";
import { registryDigest, startRegistry } from "../support/rig";
import { tempDir } from "../support/temp";
import { errorAnnotations, readRunnerLog } from "../support/workflow-commands";
import { printed } from "../support/run-checks";

const rig = inject("rig");
const exec = promisify(execFile);
const API_KEY = `MARKER-API-${randomBytes(10).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY });
const inputs = (applicationId: string, image: string, extra: Record<string, string> = {}) =>
  standInInputs({ rig, standIn: standIn(), apiKey: API_KEY }, applicationId, image, extra);

function repository(): string {
  return `hostile/in-${randomBytes(4).toString("hex")}`;
}

async function checkout(dockerfile: string): Promise<string> {
  const dir = await tempDir("checkout");
  await writeFile(join(dir, "Dockerfile"), dockerfile);
  return dir;
}

describe("workflow commands", () => {
  it("rejects a line break in a single-line input (deploy-title, health-url) with exit 2, before anything is built or sent", async () => {
    const app = standIn().addApplication();
    const run = await runAction({
      inputs: inputs(app.applicationId, `${rig.registryHost}/${repository()}`, {
        "deploy-title": "Fix the pricing page\n::warning::injected by the title",
        "health-url": "http://127.0.0.1:9/health\n::error::injected by the URL",
        // Before the fix the run went on to this check: keep it short.
        "health-timeout": "5",
      }),
      env: { DOCKER_HOST: rig.dockerHost },
      cwd: await checkout(`FROM ${rig.baseImage}\n`),
    });
    expect(run.exitCode).toBe(2);
    expect(standIn().calls).toEqual([]);
    expect(run.stdout).not.toContain("docker build");
    const log = readRunnerLog(run.stdout);
    expect(log.commands.map((c) => c.command)).toEqual(["error"]);
    expect(errorAnnotations(run.stdout)).toMatch(/Input "deploy-title": .*line break/);
    expect(errorAnnotations(run.stdout)).toMatch(/Input "health-url": .*line break/);
  });

  it("prints build output, answers and log lines that look like workflow commands as plain text", async () => {
    const app = standIn().addApplication({
      name: "web\n::set-output name=deployment-status::forged\n  ::error::forged by the application name",
      appName: "web-hostile",
    });
    standIn().scriptDeployments(app.applicationId, {
      durationMs: 1500,
      log: [
        "Initializing deployment",
        "::error::forged by the log",
        "x ##[set-output name=tag;]forged",
        "Docker Deployed: ✅",
      ],
    });
    const dockerfile = [
      `FROM ${rig.baseImage}`,
      `RUN echo '::set-output name=digest::forged' && echo ' ::warning::forged by the build' && echo 'step ##[add-mask]forged'`,
      "",
    ].join("\n");
    const run = await runAction({
      inputs: inputs(app.applicationId, `${rig.registryHost}/${repository()}`),
      env: { DOCKER_HOST: rig.dockerHost, GITHUB_SHA: randomBytes(20).toString("hex") },
      cwd: await checkout(dockerfile),
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const log = readRunnerLog(run.stdout);
    for (const command of log.commands) {
      expect(["debug", "warning", "error", "group", "endgroup"]).toContain(command.command);
      expect(command.data).not.toContain("forged");
    }
    // Still shown, as they came.
    expect(log.plain).toContain("::set-output name=digest::forged");
    expect(log.plain).toContain(" ::warning::forged by the build");
    expect(log.plain).toContain("│ x ##[set-output name=tag;]forged");
    expect(log.plain).toContain("::set-output name=deployment-status::forged");
    expect(run.outputs["deployment-status"]).toBe("done");
  });
});

describe("labels", () => {
  it("writes labels with the Dockerfile's own escape character (# escape=`, classic builder, real engine)", async () => {
    const app = standIn().addApplication();
    const repo = repository();
    const tag = randomBytes(20).toString("hex");
    const labels = {
      "path.literal": "$PATH and ${HOME}",
      "quote.test": 'a" injected="yes',
      "back.tick": "one`two`",
      "back.slash": "C:\\dir\\",
    };
    const run = await runAction({
      inputs: inputs(app.applicationId, `${rig.registryHost}/${repo}`, {
        labels: Object.entries(labels)
          .map(([k, v]) => `${k}=${v}`)
          .join("\n"),
      }),
      env: { DOCKER_HOST: rig.dockerHost, GITHUB_SHA: tag },
      cwd: await checkout(`# escape=\`\nFROM ${rig.baseImage}\nRUN echo built > /built\n`),
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const { stdout } = await exec(
      "docker",
      ["image", "inspect", `${rig.registryHost}/${repo}:${tag}`, "--format", "{{json .Config.Labels}}"],
      { env: { ...process.env, DOCKER_HOST: rig.dockerHost } },
    );
    const found = JSON.parse(stdout) as Record<string, string>;
    expect(found).toMatchObject(labels);
    expect(found).not.toHaveProperty("injected");
  });
});

describe("secrets in inputs", () => {
  it("rejects an API key with a non-ASCII character (exit 2) before the build starts, without printing it", async () => {
    const app = standIn().addApplication();
    const key = `${API_KEY}-clé`;
    const run = await runAction({
      inputs: { ...inputs(app.applicationId, `${rig.registryHost}/${repository()}`), "dokploy-api-key": key },
      env: { DOCKER_HOST: rig.dockerHost },
      cwd: await checkout(`FROM ${rig.baseImage}\n`),
    });
    expect(run.exitCode).toBe(2);
    expect(errorAnnotations(run.stdout)).toMatch(/Input "dokploy-api-key": .*(ASCII|character)/);
    expect(run.stdout).not.toContain("docker build");
    expect(standIn().calls).toEqual([]);
    expect(printed(run)).not.toContain(key);
    expect(printed(run)).not.toContain("clé");
  });

  it("sends health-url credentials as Basic auth and never prints them", async () => {
    const password = `MARKER-HEALTH-${randomBytes(6).toString("hex")}@:/?`;
    const seen: (string | undefined)[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      seen.push(req.headers.authorization);
      const expected = `Basic ${Buffer.from(`probe:${password}`).toString("base64")}`;
      res.writeHead(req.headers.authorization === expected ? 200 : 401).end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const app = standIn().addApplication();
      const run = await runAction({
        inputs: {
          ...inputs(app.applicationId, `${rig.registryHost}/${repository()}`),
          ...DEPLOY_ONLY,
          "health-url": `http://probe:${encodeURIComponent(password)}@127.0.0.1:${String(port)}/health`,
          "health-timeout": "10",
          "health-interval": "1",
        },
      });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(seen.at(-1)).toBe(`Basic ${Buffer.from(`probe:${password}`).toString("base64")}`);
      expect(run.outputs.health).toMatch(/^200 in /);
      for (const form of [password, encodeURIComponent(password), Buffer.from(`probe:${password}`).toString("base64")])
        expect(printed(run)).not.toContain(form);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("keeps the API key and the passwords out of docker's environment", async () => {
    const bin = await tempDir("docker-probe");
    const dump = join(bin, "env.txt");
    const docker = (await exec("sh", ["-c", "command -v docker"])).stdout.trim();
    // A docker in front of the real one that writes down the environment it was started with.
    await writeFile(
      join(bin, "docker"),
      `#!/bin/sh\nenv >> '${dump}'\necho ---- >> '${dump}'\nexec '${docker}' "$@"\n`,
    );
    await chmod(join(bin, "docker"), 0o755);
    const pullPassword = `MARKER-PULL-${randomBytes(8).toString("hex")}`;
    const app = standIn().addApplication();
    const run = await runAction({
      inputs: {
        ...inputs(app.applicationId, `${rig.registryHost}/${repository()}`),
        "pull-username": "puller",
        "pull-password": pullPassword,
        "verify-pull": "false",
      },
      env: { DOCKER_HOST: rig.dockerHost, PATH: `${bin}:${process.env.PATH ?? ""}` },
      cwd: await checkout(`FROM ${rig.baseImage}\n`),
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const environments = await readFile(dump, "utf8");
    // The build at least (the push is the engine's own, over its API).
    expect(environments.split("----").length).toBeGreaterThan(1);
    expect(environments).toContain(`DOCKER_HOST=${rig.dockerHost}`);
    expect(environments).not.toMatch(/^INPUT_/m);
    for (const secret of [API_KEY, rig.registryPassword, pullPassword]) expect(environments).not.toContain(secret);
  });
});

describe("small ones", () => {
  it("pushes each extra tag once", async () => {
    const image = `${rig.registryHost}/${repository()}`;
    const run = await runAction({
      inputs: { ...inputs("app-1", image), "extra-tags": "latest\nlatest, v1,latest", "dry-run": "true" },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout.split(`--tag ${image}:latest `)).toHaveLength(2);
    expect(run.stdout.split(`--tag ${image}:v1 `)).toHaveLength(2);
  });

  it("rejects a request-timeout below one second (exit 2)", async () => {
    const run = await runAction({
      inputs: { ...inputs("app-1", `${rig.registryHost}/${repository()}`), "request-timeout": "0.001" },
    });
    expect(run.exitCode).toBe(2);
    expect(errorAnnotations(run.stdout)).toMatch(/Input "request-timeout": .*at least 1/);
  });

  it("says that spaces at either end of a password were removed, as docker login removes them", async () => {
    const password = `pw ${randomBytes(6).toString("hex")}`;
    const registry = await startRegistry("spaced", password);
    try {
      const app = standIn().addApplication();
      const repo = repository();
      const run = await runAction({
        inputs: {
          ...inputs(app.applicationId, `${registry.host}/${repo}`),
          "registry-username": "spaced",
          "registry-password": `  ${password} `,
        },
        env: { DOCKER_HOST: rig.dockerHost },
        cwd: await checkout(`FROM ${rig.baseImage}\n`),
      });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(await registryDigest(registry, repo, run.outputs.tag ?? "")).toBe(run.outputs.digest);
      const warnings = readRunnerLog(run.stdout).commands.filter((c) => c.command === "warning");
      expect(warnings.map((w) => w.data).join("\n")).toMatch(
        /registry-password starts or ends with spaces, which were removed/,
      );
    } finally {
      await registry.stop();
    }
  });

  it("warns that a GitHub job token (ghs_) kept as the pull credential expires with the job", async () => {
    const token = `ghs_${randomBytes(18).toString("hex")}`;
    const run = await runAction({
      inputs: {
        ...inputs("app-1", "ghcr.io/acme/web"),
        "registry-username": "acme-bot",
        "registry-password": token,
        "dry-run": "true",
      },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const warnings = readRunnerLog(run.stdout).commands.filter((c) => c.command === "warning");
    expect(warnings.map((w) => w.data).join("\n")).toMatch(/ghs_.*expires when the job ends/);
    expect(printed(run)).not.toContain(token);
  });
});
