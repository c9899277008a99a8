/**
 * The pull check against real registries: Distribution with htpasswd (Basic) from the rig, and
 * Distribution in token mode with a token server. Right credentials pass; a wrong password, a
 * missing tag and a token without pull scope each fail with their own message, before any
 * Dokploy write (checked on the stand-in).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { useStandIn } from "../support/fixtures";
import { tempDir } from "../support/temp";
import { TOKEN_USERS, type TokenRegistry, startTokenRegistry } from "../support/token-registry";

const rig = inject("rig");
const run = promisify(execFile);
const API_KEY = `MARKER-PULL-${randomBytes(8).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY });
let tokenRegistry: TokenRegistry;
const TAG = "v1";

/** Pushes a small image to `ref` with the docker CLI, logged in as `user`. */
async function pushWithDocker(ref: string, registryHost: string, user: string, password: string): Promise<void> {
  const config = await tempDir("docker-config");
  const env = { ...process.env, DOCKER_HOST: rig.dockerHost, DOCKER_CONFIG: config };
  const login = run("docker", ["login", registryHost, "--username", user, "--password-stdin"], { env });
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
  tokenRegistry = await startTokenRegistry();
  await pushWithDocker(`${tokenRegistry.host}/acme/web:${TAG}`, tokenRegistry.host, "ci", TOKEN_USERS.ci);
  await pushWithDocker(
    `${rig.registryHost}/acme/prebuilt:${TAG}`,
    rig.registryHost,
    rig.registryUser,
    rig.registryPassword,
  );
}, 120_000);

afterAll(async () => {
  await tokenRegistry.stop();
});

async function deployPrebuilt(image: string, tag: string, pull: { username: string; password: string }) {
  const app = standIn().addApplication();
  const result = await runAction({
    inputs: {
      "dokploy-url": standIn().url,
      "dokploy-api-key": API_KEY,
      "application-id": app.applicationId,
      image,
      tag,
      build: "false",
      "pull-username": pull.username,
      "pull-password": pull.password,
    },
    env: { DOCKER_HOST: rig.dockerHost },
    secrets: [API_KEY, pull.password],
  });
  return { app, result };
}

describe("the pull check against a token-mode registry (Bearer)", () => {
  it("passes with a token that may pull, and deploys the digest the registry serves", async () => {
    const { app, result } = await deployPrebuilt(`${tokenRegistry.host}/acme/web`, TAG, {
      username: "reader",
      password: TOKEN_USERS.reader,
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(result.stdout).toContain(`is served as ${result.outputs.digest ?? ""}`);
    expect(standIn().callsOf("application.saveDockerProvider")[0]?.input).toMatchObject({
      applicationId: app.applicationId,
      dockerImage: `${tokenRegistry.host}/acme/web:${TAG}`,
      username: "reader",
    });
    expect(result.filesWithSecrets).toEqual([]);
  });

  it.each([
    [
      "a wrong password",
      "acme/web",
      TAG,
      { username: "reader", password: "reader-wrong-9" },
      /token service refused reader's password \(HTTP 401\)/,
    ],
    [
      "a missing tag",
      "acme/web",
      "does-not-exist",
      { username: "reader", password: TOKEN_USERS.reader },
      /has no such tag \(manifest unknown\)/,
    ],
    [
      "a token without pull scope",
      "acme/web",
      TAG,
      { username: "noscope", password: TOKEN_USERS.noscope },
      /gave a token, but not one that may pull this repository/,
    ],
  ])("fails on %s before any Dokploy write", async (_name, repo, tag, pull, message) => {
    const { result } = await deployPrebuilt(`${tokenRegistry.host}/${repo}`, tag, pull);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(message);
    expect(standIn().writes()).toEqual([]);
    expect(
      standIn()
        .callsOf()
        .map((c) => c.procedure)
        .sort(),
      // only the two reads of the first check
    ).toEqual(["application.one", "settings.getDokployVersion"]);
    expect(result.stdout).not.toContain(pull.password);
  });
});

describe("the pull check against an htpasswd registry (Basic)", () => {
  it("passes with the right credentials", async () => {
    const { result } = await deployPrebuilt(`${rig.registryHost}/acme/prebuilt`, TAG, {
      username: rig.registryUser,
      password: rig.registryPassword,
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.digest).toMatch(/^sha256:/);
  });

  it("fails on a wrong password and on a missing tag, each with its own message, before any Dokploy write", async () => {
    const wrong = await deployPrebuilt(`${rig.registryHost}/acme/prebuilt`, TAG, {
      username: rig.registryUser,
      password: "basic-wrong-7",
    });
    expect(wrong.result.exitCode).toBe(1);
    expect(wrong.result.stdout).toMatch(/refused the pull credentials of ci \(HTTP 401\)/);
    const missing = await deployPrebuilt(`${rig.registryHost}/acme/prebuilt`, "nope", {
      username: rig.registryUser,
      password: rig.registryPassword,
    });
    expect(missing.result.exitCode).toBe(1);
    expect(missing.result.stdout).toMatch(/has no such tag/);
    expect(standIn().writes()).toEqual([]);
  });

  it("pins the digest with pin-digest", async () => {
    const { app, result } = await deployPrebuilt(`${rig.registryHost}/acme/prebuilt`, TAG, {
      username: rig.registryUser,
      password: rig.registryPassword,
    });
    expect(result.exitCode).toBe(0);
    const pinned = await runAction({
      inputs: {
        "dokploy-url": standIn().url,
        "dokploy-api-key": API_KEY,
        "application-id": app.applicationId,
        image: `${rig.registryHost}/acme/prebuilt`,
        tag: TAG,
        build: "false",
        "pin-digest": "true",
        "pull-username": rig.registryUser,
        "pull-password": rig.registryPassword,
      },
      env: { DOCKER_HOST: rig.dockerHost },
    });
    expect(pinned.exitCode, pinned.stdout).toBe(0);
    expect(standIn().callsOf("application.saveDockerProvider").at(-1)?.input).toMatchObject({
      dockerImage: `${rig.registryHost}/acme/prebuilt:${TAG}@${result.outputs.digest ?? ""}`,
    });
  });
});
