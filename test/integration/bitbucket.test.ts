/**
 * The Bitbucket pipe, run the way Bitbucket runs a pipe: `docker run` of the runner image with
 * the pipe's variables and the BITBUCKET_* variables, the clone mounted as the working dir, and
 * DOCKER_HOST pointing at the engine; against the real registry and the Dokploy stand-in.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { useStandIn } from "../support/fixtures";
import { type Interruption, processesWith, runInterrupted } from "../support/interrupt";
import { rigRegistry } from "../support/global-setup";
import { registryDigest } from "../support/rig";
import { RUNNER_LABEL_ARGS, buildRunnerImage } from "../support/runner-image";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const API_KEY = `MARKER-BB-${randomBytes(10).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY });
const registry = rigRegistry(rig);
let image: string;

beforeAll(async () => {
  image = await buildRunnerImage(rig.dockerHost);
}, 300_000);

interface PipeRun {
  exitCode: number;
  output: string;
}

async function runPipe(
  variables: Record<string, string>,
  clone: string,
  commit: string,
  interruption: Interruption = { when: /(?!)/, signals: [] },
): Promise<PipeRun & { interrupted: boolean }> {
  const socket = rig.dockerHost.replace(/^unix:\/\//, "");
  const env: Record<string, string> = {
    BITBUCKET_COMMIT: commit,
    BITBUCKET_BUILD_NUMBER: "17",
    BITBUCKET_REPO_FULL_NAME: "acme/web",
    BITBUCKET_REPO_SLUG: "web",
    BITBUCKET_WORKSPACE: "acme",
    BITBUCKET_BRANCH: "main",
    BITBUCKET_GIT_HTTP_ORIGIN: "http://bitbucket.org/acme/web",
    BITBUCKET_CLONE_DIR: clone,
    ...variables,
  };
  const args = [
    "run",
    "--rm",
    "--network",
    "host",
    "-v",
    `${socket}:/var/run/docker.sock`,
    "-v",
    `${clone}:${clone}`,
    "-w",
    clone,
  ];
  // Inside, DOCKER_HOST is the mounted engine socket; the values of the others come from the
  // environment of `docker run`, as Bitbucket passes them.
  args.push("-e", "DOCKER_HOST=unix:///var/run/docker.sock");
  for (const name of Object.keys(env)) args.push("-e", name);
  args.push(image);
  // `docker run` passes the signals it gets on to the container, as Bitbucket's runner does.
  const run = await runInterrupted(
    ["docker", ...args],
    { cwd: clone, env: { PATH: process.env.PATH ?? "", ...env, DOCKER_HOST: rig.dockerHost } },
    interruption,
  );
  return { exitCode: run.exitCode, output: run.output, interrupted: run.interrupted };
}

async function clone(): Promise<string> {
  const dir = await tempDir("bitbucket-clone");
  await writeFile(
    join(dir, "Dockerfile"),
    `FROM ${rig.baseImage}\nRUN echo ${randomBytes(4).toString("hex")} > /built\n`,
  );
  return dir;
}

describe("the Bitbucket pipe", () => {
  it("pushes <image>:<commit>, saves the provider, redeploys, follows it and prints ✔", async () => {
    const app = standIn().addApplication();
    const commit = randomBytes(20).toString("hex");
    const repo = `demo/pipe-${randomBytes(3).toString("hex")}`;
    const run = await runPipe(
      {
        DOKPLOY_URL: standIn().url,
        DOKPLOY_API_KEY: API_KEY,
        APPLICATION_ID: app.applicationId,
        IMAGE: `${rig.registryHost}/${repo}`,
        REGISTRY_USERNAME: rig.registryUser,
        REGISTRY_PASSWORD: rig.registryPassword,
        NETWORK: "host",
      },
      await clone(),
      commit,
    );
    expect(run.exitCode, run.output).toBe(0);
    const digest = await registryDigest(registry, repo, commit);
    expect(digest).toMatch(/^sha256:/);
    expect(run.output).toContain(`digest=${digest ?? ""}`);
    expect(run.output).toMatch(/✔ Deployed: .* \(deployment done\)/);
    expect(run.output).not.toContain("::");
    expect(standIn().callsOf("application.saveDockerProvider")[0]?.input).toEqual({
      applicationId: app.applicationId,
      dockerImage: `${rig.registryHost}/${repo}:${commit}`,
      username: rig.registryUser,
      password: rig.registryPassword,
      registryUrl: rig.registryHost,
    });
    const redeploy = standIn().callsOf("application.redeploy")[0]?.input as Record<string, string>;
    expect(redeploy.title).toBe(`Deploy ${commit.slice(0, 7)}`);
    expect(redeploy.description).toContain("https://bitbucket.org/acme/web/pipelines/results/17");
    expect(standIn().deployments.get(app.applicationId)?.[0]?.status).toBe("done");
    for (const secret of [API_KEY, rig.registryPassword]) expect(run.output).not.toContain(secret);
  });

  it("exits 1 with a ✖ line when Dokploy refuses the key", async () => {
    const app = standIn().addApplication();
    const run = await runPipe(
      {
        DOKPLOY_URL: standIn().url,
        DOKPLOY_API_KEY: "MARKER-BB-not-the-key",
        APPLICATION_ID: app.applicationId,
        IMAGE: `${rig.registryHost}/demo/pipe-fail`,
        REGISTRY_USERNAME: rig.registryUser,
        REGISTRY_PASSWORD: rig.registryPassword,
      },
      await clone(),
      randomBytes(20).toString("hex"),
    );
    expect(run.exitCode).toBe(1);
    expect(run.output).toMatch(/✖ Dokploy application\.one \(HTTP 401\): the API key was not accepted/);
    expect(run.output).not.toContain("MARKER-BB-not-the-key");
    expect(run.output).not.toContain(rig.registryPassword);
  });

  it("the image carries the OCI labels: version, revision, source, licence", async () => {
    const { stdout } = await promisify(execFile)(
      "docker",
      ["image", "inspect", "--format", "{{json .Config.Labels}}", image],
      { env: { ...process.env, DOCKER_HOST: rig.dockerHost } },
    );
    expect(JSON.parse(stdout)).toMatchObject({
      "org.opencontainers.image.title": "dokploy-deploy",
      "org.opencontainers.image.version": RUNNER_LABEL_ARGS.VERSION,
      "org.opencontainers.image.revision": RUNNER_LABEL_ARGS.REVISION,
      "org.opencontainers.image.source": RUNNER_LABEL_ARGS.SOURCE,
      "org.opencontainers.image.licenses": "MIT",
    });
  });

  it("exits 2 naming the variable on bad input", async () => {
    const run = await runPipe(
      { DOKPLOY_URL: "dokploy.example.com", DOKPLOY_API_KEY: API_KEY, APPLICATION_ID: "a", IMAGE: "acme/web" },
      await clone(),
      "0".repeat(40),
    );
    expect(run.exitCode).toBe(2);
    expect(run.output).toContain('✖ DOKPLOY_URL: "dokploy.example.com" is not a URL');
    expect(standIn().calls).toEqual([]);
  });

  it("stops when the pipe is cancelled during the build: exit 143, docker stopped, what changed in Dokploy said", async () => {
    const app = standIn().addApplication();
    const repo = `demo/pipe-cancel-${randomBytes(3).toString("hex")}`;
    const dir = await tempDir("bitbucket-clone");
    await writeFile(join(dir, "Dockerfile"), `FROM ${rig.baseImage}\nRUN sleep 60\n`);
    const run = await runPipe(
      {
        DOKPLOY_URL: standIn().url,
        DOKPLOY_API_KEY: API_KEY,
        APPLICATION_ID: app.applicationId,
        IMAGE: `${rig.registryHost}/${repo}`,
        REGISTRY_USERNAME: rig.registryUser,
        REGISTRY_PASSWORD: rig.registryPassword,
        NETWORK: "host",
      },
      dir,
      randomBytes(20).toString("hex"),
      { when: /\$ docker build/, signals: ["SIGTERM"], afterMs: 500 },
    );
    expect(run.interrupted, run.output).toBe(true);
    expect(run.exitCode, run.output).toBe(143);
    expect(run.output).toContain("Cancelled (SIGTERM)");
    expect(run.output).toContain("Nothing was changed in Dokploy.");
    expect(standIn().writes()).toEqual([]);
    expect(await processesWith(repo)).toEqual([]);
    for (const secret of [API_KEY, rig.registryPassword]) expect(run.output).not.toContain(secret);
  });
});
