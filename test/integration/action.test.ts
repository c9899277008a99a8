import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { standInInputs, useStandIn } from "../support/fixtures";
import { expectNoSecrets } from "../support/run-checks";
import { rigRegistry } from "../support/global-setup";
import { registryDigest as servedDigest } from "../support/rig";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const exec = promisify(execFile);
const API_KEY = `key-${randomBytes(12).toString("hex")}`;

const standIn = useStandIn({ apiKey: API_KEY });
const baseInputs = (image: string, applicationId: string) =>
  standInInputs({ rig, standIn: standIn(), apiKey: API_KEY }, applicationId, image);

/** A repository checkout: a small Dockerfile with a RUN step, unique per test. */
async function checkout(): Promise<string> {
  const dir = await tempDir("checkout");
  const marker = randomBytes(6).toString("hex");
  await writeFile(
    join(dir, "Dockerfile"),
    `FROM ${rig.baseImage}\nRUN echo "${marker}" > /marker.txt\nCMD ["cat", "/marker.txt"]\n`,
  );
  return dir;
}

/** A HOME whose ~/.docker/config.json must survive the run unchanged. */
async function homeWithDockerConfig(): Promise<{ home: string; config: string }> {
  const home = await tempDir("home");
  await mkdir(join(home, ".docker"));
  const config = JSON.stringify(
    { auths: { "other.example.com": { auth: "dXNlcjpwYXNz" } }, psFormat: "table" },
    null,
    2,
  );
  await writeFile(join(home, ".docker", "config.json"), config);
  return { home, config };
}

function sha(): string {
  return randomBytes(20).toString("hex");
}

function repository(): string {
  return `demo/app-${randomBytes(4).toString("hex")}`;
}

const registry = rigRegistry(rig);

/** The labels of an image in the engine. */
async function labelsOf(ref: string): Promise<Record<string, string>> {
  const { stdout } = await exec("docker", ["image", "inspect", ref, "--format", "{{json .Config.Labels}}"], {
    env: { ...process.env, DOCKER_HOST: rig.dockerHost },
  });
  return JSON.parse(stdout) as Record<string, string>;
}

/**
 * The classic builder's steps in a run's log: each instruction, and whether the cache served it
 * (its first "--->" line; the run's own lines can come in between).
 */
function classicSteps(stdout: string): { instruction: string; cached: boolean }[] {
  const lines = stdout.split("\n").map((line) => line.trim());
  return lines.flatMap((line, i) => {
    const step = /^Step \d+\/\d+ : (.*)$/.exec(line);
    const said = lines.slice(i + 1).find((next) => next.startsWith("--->"));
    return step?.[1] ? [{ instruction: step[1], cached: said === "---> Using cache" }] : [];
  });
}

/** The digest the test registry serves for repo:tag, or undefined when there is none. */
function registryDigest(repo: string, tag: string): Promise<string | undefined> {
  return servedDigest(registry, repo, tag);
}

describe("the action, end to end against a real engine and registry", () => {
  it("builds, pushes <image>:<sha>, registers the registry, points the app at it and redeploys", async () => {
    const app = standIn().addApplication();
    const repo = repository();
    const image = `${rig.registryHost}/${repo}`;
    const commit = sha();
    const { home, config } = await homeWithDockerConfig();

    const run = await runAction({
      inputs: { ...baseInputs(image, app.applicationId), "dokploy-registry": "true", "extra-tags": "latest" },
      env: { GITHUB_SHA: commit, DOCKER_HOST: rig.dockerHost },
      cwd: await checkout(),
      home,
    });

    expect(run.stderr + run.stdout).not.toContain("::error::");
    expect(run.exitCode).toBe(0);
    // The registry serves the commit tag with the digest the action reported.
    const served = await registryDigest(repo, commit);
    expect(served).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(run.outputs.digest).toBe(served);
    expect(await registryDigest(repo, "latest")).toBe(served);
    // The extra tag got the pushed manifest over the registry's API: one push only, the engine's
    // own over its API, with the credentials in the request: no docker login, no docker push.
    expect(run.stdout).toContain(`Tagged ${image}:latest (${served ?? ""}) through the registry's API`);
    expect(run.stdout.match(/^Pushing \S+ \(the engine's push\)$/gm)).toEqual([
      `Pushing ${image}:${commit} (the engine's push)`,
    ]);
    expect(run.stdout).not.toMatch(/^\$ docker (login|push) /m);
    expect(run.stdout).toContain(`${commit}: digest: ${served ?? ""}`);
    expect(run.outputs.image).toBe(`${image}:${commit}`);
    expect(run.outputs.tag).toBe(commit);
    expect(run.outputs["image-ref-digest"]).toBe(`${image}@${served ?? ""}`);
    expect(run.outputs["deployment-status"]).toBe("done");
    expect(run.outputs["deployment-id"]).toBe(standIn().deployments.get(app.applicationId)?.[0]?.deploymentId);
    expect(run.outputs["application-url"]).toBe(
      `${standIn().url}/dashboard/project/${app.environment.projectId}/environment/${app.environmentId}/services/application/${app.applicationId}`,
    );

    // Dokploy saw: preflight, registry upsert, provider, then redeploy, in that order; the
    // snapshot of deployments is read beside saving the provider, before the redeploy.
    const at = (procedure: string) => standIn().calls.findIndex((c) => c.procedure === procedure);
    expect(at("application.one")).toBe(0);
    expect(at("registry.all")).toBeGreaterThan(at("application.one"));
    expect(at("registry.create")).toBeGreaterThan(at("registry.all"));
    expect(at("application.saveDockerProvider")).toBeGreaterThan(at("registry.create"));
    expect(at("application.redeploy")).toBeGreaterThan(at("application.saveDockerProvider"));
    expect(at("deployment.all")).toBeGreaterThan(at("registry.create"));
    expect(at("deployment.all")).toBeLessThan(at("application.redeploy"));
    expect(standIn().callsOf("application.saveDockerProvider")[0]?.input).toEqual({
      applicationId: app.applicationId,
      dockerImage: `${image}:${commit}`,
      username: rig.registryUser,
      password: rig.registryPassword,
      registryUrl: rig.registryHost,
    });
    const redeploy = standIn().callsOf("application.redeploy")[0]?.input as Record<string, string>;
    expect(redeploy.title).toBe(`Deploy ${commit.slice(0, 7)}`);
    expect(redeploy.description).toContain(commit);
    expect(redeploy.description).toContain("https://github.com/acme/web/actions/runs/4242");
    expect([...standIn().registries.values()].map((r) => [r.registryUrl, r.username, r.password])).toEqual([
      [rig.registryHost, rig.registryUser, rig.registryPassword],
    ]);
    expect(run.outputs["registry-id"]).toBe([...standIn().registries.keys()][0]);

    // The classic builder's image has the OCI labels that stay the same from commit to commit.
    const labels = await labelsOf(`${image}:${commit}`);
    expect(labels).toMatchObject({
      "org.opencontainers.image.source": "https://github.com/acme/web",
      "org.opencontainers.image.title": "web",
    });
    expect(Object.keys(labels)).not.toContain("org.opencontainers.image.revision");
    expect(Object.keys(labels)).not.toContain("org.opencontainers.image.created");

    // Nothing of ours outlives the run; the user's docker config is untouched.
    expect(await readFile(join(home, ".docker", "config.json"), "utf8")).toBe(config);
    expect(run.leftovers).toEqual([]);
    expectNoSecrets(run, [API_KEY, rig.registryPassword]);
    expect(run.summary).toContain(served);
    expect(run.summary).toContain(run.outputs["application-url"]);
  });

  it("labels a classic build where the cache keeps the step: a second commit runs no LABEL step, the user's labels still apply", async () => {
    const app = standIn().addApplication();
    const image = `${rig.registryHost}/${repository()}`;
    const cwd = await tempDir("checkout");
    await writeFile(
      join(cwd, "Dockerfile"),
      `FROM ${rig.baseImage}\nRUN echo "${randomBytes(6).toString("hex")}" > /deps\nCOPY app.txt /app.txt\n`,
    );
    const deploy = async (labels: string) => {
      const commit = sha();
      await writeFile(join(cwd, "app.txt"), `${commit}\n`);
      const run = await runAction({
        inputs: { ...baseInputs(image, app.applicationId), wait: "false", labels },
        env: { GITHUB_SHA: commit, DOCKER_HOST: rig.dockerHost },
        cwd,
      });
      expect(run.exitCode, run.stdout).toBe(0);
      return { run, commit };
    };

    await deploy("");
    const second = await deploy("");
    const steps = classicSteps(second.run.stdout);
    expect(steps.map((s) => s.instruction)).toEqual([
      `FROM ${rig.baseImage}`,
      'LABEL "org.opencontainers.image.source"="https://github.com/acme/web" "org.opencontainers.image.title"="web"',
      expect.stringMatching(/^RUN echo/),
      "COPY app.txt /app.txt",
    ]);
    // Only the changed file's step ran: the labels came with the cached steps before it.
    const ran = steps.slice(1).filter((s) => !s.cached);
    expect(ran.map((s) => s.instruction)).toEqual(["COPY app.txt /app.txt"]);
    expect(await labelsOf(`${image}:${second.commit}`)).toMatchObject({ "org.opencontainers.image.title": "web" });

    // The labels input goes at the end of the stage, and wins over the OCI label of the same key.
    const third = await deploy("org.opencontainers.image.title=custom\ncom.example.build=3");
    expect(classicSteps(third.run.stdout).at(-1)?.instruction).toBe(
      'LABEL "org.opencontainers.image.title"="custom" "com.example.build"="3"',
    );
    expect(await labelsOf(`${image}:${third.commit}`)).toMatchObject({
      "org.opencontainers.image.source": "https://github.com/acme/web",
      "org.opencontainers.image.title": "custom",
      "com.example.build": "3",
    });
  });

  it("makes no registry write when the same commit is deployed again", async () => {
    const app = standIn().addApplication();
    const image = `${rig.registryHost}/${repository()}`;
    const cwd = await checkout();
    const env = { GITHUB_SHA: sha(), DOCKER_HOST: rig.dockerHost };
    const inputs = { ...baseInputs(image, app.applicationId), "dokploy-registry": "true" };

    const first = await runAction({ inputs, env, cwd });
    expect(first.exitCode).toBe(0);
    const before = standIn().calls.length;
    const second = await runAction({ inputs, env, cwd });
    expect(second.exitCode).toBe(0);

    const secondCalls = standIn()
      .calls.slice(before)
      .map((c) => c.procedure);
    expect(secondCalls).toContain("registry.all");
    expect(secondCalls).not.toContain("registry.create");
    expect(secondCalls).not.toContain("registry.update");
    expect(second.outputs["registry-id"]).toBe(first.outputs["registry-id"]);
    expect(standIn().registries.size).toBe(1);
  });

  it("fails before any Dokploy write when the push is denied, and removes its docker config", async () => {
    const app = standIn().addApplication();
    const image = `${rig.registryHost}/${repository()}`;
    const run = await runAction({
      inputs: { ...baseInputs(image, app.applicationId), "registry-password": "wrong-password-123" },
      env: { GITHUB_SHA: sha(), DOCKER_HOST: rig.dockerHost },
      cwd: await checkout(),
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(
      /::error::registry login to 127\.0\.0\.1:\d+ as ci \(check registry-username and registry-password\) failed: 127\.0\.0\.1:\d+ refused the password of ci \(HTTP 401\)/,
    );
    expect(run.stdout).not.toContain("Pushing ");
    expect(standIn().writes()).toEqual([]);
    expect(
      standIn()
        .callsOf()
        .map((c) => c.procedure)
        .sort(),
      // only the two reads of the first check
    ).toEqual(["application.one", "settings.getDokployVersion"]);
    expect(run.leftovers).toEqual([]);
    expectNoSecrets(run, [API_KEY, "wrong-password-123"]);
  });

  it("fails on a build error without touching Dokploy", async () => {
    const app = standIn().addApplication();
    const cwd = await tempDir("checkout");
    await writeFile(join(cwd, "Dockerfile"), `FROM ${rig.baseImage}\nRUN exit 3\n`);
    const run = await runAction({
      inputs: baseInputs(`${rig.registryHost}/${repository()}`, app.applicationId),
      env: { GITHUB_SHA: sha(), DOCKER_HOST: rig.dockerHost },
      cwd,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("::error::docker build failed");
    expect(standIn().writes()).toEqual([]);
  });

  it("stops at the preflight when the key is wrong or the application does not exist", async () => {
    const app = standIn().addApplication();
    const image = `${rig.registryHost}/${repository()}`;
    const env = { GITHUB_SHA: sha(), DOCKER_HOST: rig.dockerHost };
    const badKey = await runAction({
      inputs: { ...baseInputs(image, app.applicationId), "dokploy-api-key": "not-the-key" },
      env,
      cwd: await checkout(),
    });
    expect(badKey.exitCode).toBe(1);
    expect(badKey.stdout).toContain("application.one (HTTP 401)");
    expect(badKey.stdout).toContain("wrong, expired, rate-limited");
    const missing = await runAction({ inputs: baseInputs(image, "no-such-app"), env, cwd: await checkout() });
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain(
      `Application not found (applicationId "no-such-app"; check application-id: it takes an application's ID; a compose service's goes in compose-id)`,
    );
    expect(standIn().writes()).toEqual([]);
    expect(await registryDigest(image.slice(rig.registryHost.length + 1), env.GITHUB_SHA)).toBeUndefined();
  });

  it("lowercases an image with capitals, as from ghcr.io/${{ github.repository }}, with a notice", async () => {
    const app = standIn().addApplication();
    const given = `${rig.registryHost}/Demo/App-${randomBytes(3).toString("hex")}`;
    const env = { GITHUB_SHA: sha(), DOCKER_HOST: rig.dockerHost };
    const run = await runAction({ inputs: baseInputs(given, app.applicationId), env, cwd: await checkout() });
    expect(run.exitCode, run.stdout).toBe(0);
    const image = given.toLowerCase();
    expect(run.stdout).toContain(
      `::notice::Image "${given}" is used as "${image}": registries take lowercase repository names only.`,
    );
    expect(await registryDigest(image.slice(rig.registryHost.length + 1), env.GITHUB_SHA)).toMatch(/^sha256:/);
    expect(standIn().callsOf("application.saveDockerProvider")[0]?.input).toMatchObject({
      dockerImage: `${image}:${env.GITHUB_SHA}`,
    });
  });

  it("refuses an application that deploys from its git source, unless switch-source: true", async () => {
    const app = standIn().addApplication({ sourceType: "git", customGitUrl: "https://git.example.com/acme/web.git" });
    const image = `${rig.registryHost}/${repository()}`;
    const env = { GITHUB_SHA: sha(), DOCKER_HOST: rig.dockerHost };
    const refused = await runAction({ inputs: baseInputs(image, app.applicationId), env, cwd: await checkout() });
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toContain(
      `::error::Application "demo-app" (${app.applicationId}) deploys from its git source (https://git.example.com/acme/web.git); this step would switch it to the Docker image ${image}:${env.GITHUB_SHA}. Set switch-source: true to do that, or check application-id.`,
    );
    expect(standIn().writes()).toEqual([]);
    expect(await registryDigest(image.slice(rig.registryHost.length + 1), env.GITHUB_SHA)).toBeUndefined();

    const switched = await runAction({
      inputs: { ...baseInputs(image, app.applicationId), "switch-source": "true" },
      env,
      cwd: await checkout(),
    });
    expect(switched.exitCode, switched.stdout).toBe(0);
    expect(switched.stdout).toContain("with switch-source: true it is switched to the Docker image");
    expect(standIn().applications.get(app.applicationId)?.sourceType).toBe("docker");
  });

  it("deploys an image that is already pushed with build: false, over the OpenAPI transport", async () => {
    const app = standIn().addApplication();
    const run = await runAction({
      inputs: {
        ...baseInputs("ghcr.io/acme/web", app.applicationId),
        "registry-username": "",
        "registry-password": "",
        build: "false",
        tag: "v1.2.3",
        "dokploy-api": "openapi",
        "deploy-method": "deploy",
        // ghcr.io is not reachable from the tests; the pull check has tests of its own.
        "verify-pull": "false",
      },
      env: { DOCKER_HOST: rig.dockerHost },
    });
    expect(run.exitCode).toBe(0);
    expect(standIn().calls.every((c) => c.transport === "openapi")).toBe(true);
    expect(standIn().callsOf("application.saveDockerProvider")[0]?.input).toEqual({
      applicationId: app.applicationId,
      dockerImage: "ghcr.io/acme/web:v1.2.3",
      username: null,
      password: null,
      registryUrl: null,
    });
    expect(standIn().callsOf("application.deploy")).toHaveLength(1);
    expect(standIn().callsOf("application.redeploy")).toHaveLength(0);
    expect(run.outputs.digest).toBe("");
  });
});
