/**
 * The login test from where the image is pulled (verify-pull-on-server), against the stand-in,
 * which answers registry.testRegistry as a live v0.30.2 does: docker's words from the host, only
 * the exit code from a server. A machine that cannot log in stops the run before any Dokploy
 * write; a key or server that cannot run the test gets a line, and the deploy goes on.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { useStandIn } from "../support/fixtures";
import { type Registry, startRegistry } from "../support/rig";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const run = promisify(execFile);
const API_KEY = `MARKER-SRV-${randomBytes(8).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY });
const denied = useStandIn({ apiKey: API_KEY, registryReadDenied: true });
const old = useStandIn({ apiKey: API_KEY, version: "v0.28.8" });
const TAG = "srv1";
const IMAGE = `${rig.registryHost}/acme/server-pull`;

/** A password a shell would change: `$(…)`, a space and a quote. */
const SHELL_PASSWORD = `p$(id) x'${randomBytes(4).toString("hex")}`;
let shellRegistry: Registry;

/** Pushes a small image to `ref` on `host`, logged in as `user`. */
async function push(ref: string, host: string, user: string, password: string): Promise<void> {
  const config = await tempDir("docker-config");
  const env = { ...process.env, DOCKER_HOST: rig.dockerHost, DOCKER_CONFIG: config };
  const login = run("docker", ["login", host, "--username", user, "--password-stdin"], { env });
  login.child.stdin?.end(password);
  await login;
  const context = await tempDir("ctx");
  await writeFile(
    join(context, "Dockerfile"),
    `FROM ${rig.baseImage}\nRUN echo ${randomBytes(4).toString("hex")} > /v\n`,
  );
  await run("docker", ["build", "--network", "host", "-t", ref, context], { env });
  await run("docker", ["push", ref], { env });
}

beforeAll(async () => {
  shellRegistry = await startRegistry("ci", SHELL_PASSWORD);
  await push(`${IMAGE}:${TAG}`, rig.registryHost, rig.registryUser, rig.registryPassword);
  await push(`${shellRegistry.host}/acme/shell:${TAG}`, shellRegistry.host, "ci", SHELL_PASSWORD);
}, 120_000);

afterAll(async () => {
  await shellRegistry.stop();
});

function deploy(
  url: string,
  applicationIds: readonly string[],
  extra: Record<string, string> = {},
  secrets: readonly string[] = [],
) {
  return runAction({
    inputs: {
      "dokploy-url": url,
      "dokploy-api-key": API_KEY,
      "application-id": applicationIds.join(","),
      image: IMAGE,
      tag: TAG,
      build: "false",
      "pull-username": rig.registryUser,
      "pull-password": rig.registryPassword,
      ...extra,
    },
    env: { DOCKER_HOST: rig.dockerHost },
    secrets: [API_KEY, rig.registryPassword, ...secrets],
  });
}

describe("verify-pull-on-server", () => {
  it("logs in once per machine, then deploys", async () => {
    const server = standIn().addServer("edge-1");
    const apps = [
      standIn().addApplication(),
      standIn().addApplication({ serverId: server.serverId }),
      standIn().addApplication({ serverId: server.serverId }),
    ];
    const result = await deploy(
      standIn().url,
      apps.map((a) => a.applicationId),
    );
    expect(result.exitCode, result.stdout).toBe(0);
    const tests = standIn().callsOf("registry.testRegistry");
    expect(tests.map((c) => (c.input as { serverId?: string }).serverId).sort()).toEqual(
      [server.serverId, undefined].sort(),
    );
    expect(tests[0]?.input).toMatchObject({ registryUrl: rig.registryHost, username: rig.registryUser });
    expect(result.stdout).toContain(`the Dokploy host logged in to ${rig.registryHost} as ${rig.registryUser}`);
    expect(result.stdout).toContain(`server "edge-1" logged in to ${rig.registryHost}`);
    expect(result.stdout).not.toContain(rig.registryPassword);
    // Before anything changes in Dokploy.
    const order = standIn()
      .callsOf()
      .map((c) => c.procedure);
    expect(order.lastIndexOf("registry.testRegistry")).toBeLessThan(order.indexOf("application.saveDockerProvider"));
  });

  it("refuses before any write when a server cannot reach the registry, naming it", async () => {
    const server = standIn().addServer("behind-firewall", { offline: true });
    const apps = [standIn().addApplication(), standIn().addApplication({ serverId: server.serverId })];
    const result = await deploy(
      standIn().url,
      apps.map((a) => a.applicationId),
    );
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      `server "behind-firewall" could not log in to ${rig.registryHost} as ${rig.registryUser}: Remote command failed with exit code 1`,
    );
    expect(result.stdout).toContain("Nothing was changed in Dokploy");
    expect(standIn().writes()).toEqual([]);
    expect(result.stdout).not.toContain(rig.registryPassword);
  });

  it("refuses with docker's words when the Dokploy host cannot log in", async () => {
    // The runner reaches the registry; the host is told of another one (what it would fail to reach).
    const app = standIn().addApplication();
    standIn().inject({
      procedure: "registry.testRegistry",
      status: 400,
      body: JSON.stringify({
        message:
          'Command failed with code 1. Stderr: Error response from daemon: Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused\n',
        code: "BAD_REQUEST",
      }),
    });
    const result = await deploy(standIn().url, [app.applicationId]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/the Dokploy host could not log in to .* connection refused/);
    expect(standIn().writes()).toEqual([]);
  });

  it("says so and deploys when the key may not test a registry", async () => {
    const app = denied().addApplication();
    const result = await deploy(denied().url, [app.applicationId]);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain(
      `verify-pull-on-server: the Dokploy host was not asked to log in to ${rig.registryHost}: the API key may not call registry.testRegistry.`,
    );
  });

  it("does not send a password a server's shell would change to a Dokploy that pastes it unquoted", async () => {
    const server = old().addServer("old-edge");
    const apps = [old().addApplication(), old().addApplication({ serverId: server.serverId })];
    const result = await deploy(
      old().url,
      apps.map((a) => a.applicationId),
      {
        image: `${shellRegistry.host}/acme/shell`,
        "pull-username": "ci",
        "pull-password": SHELL_PASSWORD,
      },
      [SHELL_PASSWORD],
    );
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain(
      `verify-pull-on-server: not asked of server "old-edge": Dokploy v0.28.8 may paste the password unquoted into the server's shell (quoted since v0.29.13)`,
    );
    // The host's login takes the password on stdin: it is still tested there.
    expect(
      old()
        .callsOf("registry.testRegistry")
        .map((c) => (c.input as { serverId?: string }).serverId),
    ).toEqual([undefined]);
    expect(result.stdout).not.toContain(SHELL_PASSWORD);
  });

  it("is off with verify-pull-on-server: false, and with verify-pull: false", async () => {
    const app = standIn().addApplication();
    const offs: Record<string, string>[] = [{ "verify-pull-on-server": "false" }, { "verify-pull": "false" }];
    for (const off of offs) {
      const result = await deploy(standIn().url, [app.applicationId], off);
      expect(result.exitCode, result.stdout).toBe(0);
    }
    expect(standIn().callsOf("registry.testRegistry")).toEqual([]);
  });

  it("names the login test in the dry run's plan", async () => {
    const app = standIn().addApplication();
    const result = await deploy(standIn().url, [app.applicationId], { "dry-run": "true" });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain(
      `registry.testRegistry {"registryUrl":"${rig.registryHost}","username":"${rig.registryUser}","password":"***"`,
    );
    expect(standIn().callsOf()).toEqual([]);
  });
});
