/**
 * The health check after a done deployment, against an endpoint on loopback: 503 then 200
 * passes; always 503 fails after health-timeout (and rolls back when asked); 200 without the
 * expected string fails.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { DokployStandIn } from "../support/dokploy-stand-in";
import { standInInputs } from "../support/fixtures";
import { removeTempDirs, tempDir } from "../support/temp";

const rig = inject("rig");
const API_KEY = `MARKER-HEALTH-${randomBytes(8).toString("hex")}`;
let standIn: DokployStandIn;
let server: Server;
let healthUrl: string;
let answer: (hit: number) => { status: number; body: string };
let hits = 0;

beforeEach(async () => {
  standIn = new DokployStandIn({ apiKey: API_KEY });
  await standIn.start();
  hits = 0;
  server = createServer((_req, res) => {
    hits += 1;
    const { status, body } = answer(hits);
    res.writeHead(status, { "content-type": "text/plain" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  healthUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/healthz`;
});

afterEach(async () => {
  await standIn.stop();
  await new Promise((resolve) => server.close(resolve));
});

afterAll(removeTempDirs);

async function deploy(inputs: Record<string, string>, app = standIn.addApplication()) {
  const cwd = await tempDir("checkout");
  await writeFile(join(cwd, "Dockerfile"), `FROM ${rig.baseImage}\nRUN echo ${randomBytes(4).toString("hex")} > /v\n`);
  const sha = randomBytes(20).toString("hex");
  const result = await runAction({
    inputs: standInInputs(
      { rig, standIn, apiKey: API_KEY },
      app.applicationId,
      `${rig.registryHost}/acme/health-${randomBytes(3).toString("hex")}`,
      { "health-url": healthUrl, "health-interval": "0.2", ...inputs },
    ),
    env: { GITHUB_SHA: sha, DOCKER_HOST: rig.dockerHost },
    cwd,
  });
  return { app, result, sha };
}

describe("health check", () => {
  it("passes when the endpoint answers 503, then 200 with the expected string", async () => {
    answer = (hit) => (hit < 3 ? { status: 503, body: "starting" } : { status: 200, body: "ok build 42" });
    const { result } = await deploy({ "health-contains": "build 42" });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(hits).toBe(3);
    expect(result.outputs.health).toMatch(/^200 in \d+ ms$/);
    expect(result.stdout).toMatch(/Health check 1: http:\/\/127\.0\.0\.1:\d+\/healthz answered 503, not 200-299/);
    expect(result.summary).toContain("Health");
  });

  it("fails after health-timeout when the endpoint always answers 503, and rolls back when asked", async () => {
    answer = () => ({ status: 503, body: "down" });
    const app = standIn.addApplication({
      sourceType: "docker",
      dockerImage: `${rig.registryHost}/acme/previous:v1`,
      username: null,
      password: null,
      registryUrl: null,
    });
    const { result } = await deploy({ "health-timeout": "1", "rollback-on-failure": "true" }, app);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /::error::Health check failed: http:\/\/127\.0\.0\.1:\d+\/healthz answered 503, not 200-299 \(for \d+ s, health-timeout 1 s\)/,
    );
    expect(result.stdout).toMatch(/Rolled back to 127\.0\.0\.1:\d+\/acme\/previous:v1 \(deployment \S+ is done\)/);
    expect(result.outputs.health).toMatch(/^503 in \d+ ms$/);
    expect(result.outputs["deployment-status"]).toBe("done");
    expect(standIn.callsOf("application.saveDockerProvider").at(-1)?.input).toMatchObject({
      dockerImage: `${rig.registryHost}/acme/previous:v1`,
    });
    expect(hits).toBeGreaterThanOrEqual(2);
  });

  it("fails when the endpoint answers 200 without the expected string", async () => {
    answer = () => ({ status: 200, body: "running an old build" });
    const { result } = await deploy({ "health-contains": "build 42", "health-timeout": "1" });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/Health check failed: .* answered 200 but the body does not contain "build 42"/);
    expect(standIn.callsOf("application.redeploy")).toHaveLength(1);
  });
});
