/**
 * The path GitHub runners take: `docker buildx build` with buildx's default builder (the
 * engine's own BuildKit, driver `docker`), through the real buildx plugin from ../shared/tools,
 * the real engine and registry, and the bundled action. Skipped, with the reason printed, where
 * the tools are absent; .ci/run fails when they are present and none of these ran.
 */
import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { type BuildTools, installBuildTools, reportSkipped } from "../support/build-tools";
import { checkoutWith, homeFor, repository, sha, userDocker } from "../support/buildx-fixtures";
import { standInInputs, useStandIn } from "../support/fixtures";
import { expectNoSecrets } from "../support/run-checks";
import { rigRegistry } from "../support/global-setup";
import { imageConfigs, manifestOf, registryHolds } from "../support/registry-content";
import { registryDigest } from "../support/rig";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const registry = rigRegistry(rig);
const API_KEY = `key-${randomBytes(12).toString("hex")}`;
const skip = reportSkipped("buildx with the docker driver");
const standIn = useStandIn({ apiKey: API_KEY });
const inputs = (image: string, applicationId: string, extra: Record<string, string> = {}) =>
  standInInputs({ rig, standIn: standIn(), apiKey: API_KEY }, applicationId, image, extra);

let tools: BuildTools;

beforeAll(async () => {
  if (!skip) tools = await installBuildTools();
});

const env = (commit: string, more: Record<string, string> = {}) => ({
  GITHUB_SHA: commit,
  DOCKER_HOST: rig.dockerHost,
  ...more,
});

const dockerfile = () =>
  `FROM ${rig.baseImage}\nRUN echo ${randomBytes(6).toString("hex")} > /marker\nCMD ["cat", "/marker"]\n`;

describe.skipIf(skip)("buildx with the docker driver (the engine's BuildKit)", () => {
  it("builds into the engine, and the engine pushes it: every tag, digest and imageid agree with the registry; buildx's metadata; OCI labels on the config", async () => {
    const app = standIn().addApplication();
    const repo = repository();
    const image = `${rig.registryHost}/${repo}`;
    const commit = sha();
    const { home, dockerConfig } = await homeFor(tools);
    const userConfig = await readFile(join(dockerConfig, "config.json"), "utf8");

    const run = await runAction({
      inputs: inputs(image, app.applicationId, { "extra-tags": "latest,stable" }),
      env: env(commit),
      cwd: await checkoutWith(dockerfile()),
      home,
    });

    expect(run.exitCode, run.stdout).toBe(0);
    const build = run.stdout.split("\n").find((line) => line.startsWith("$ docker buildx build")) ?? "";
    expect(build).not.toContain("--push");
    expect(run.stdout).toContain(`Pushing ${image}:${commit} (the engine's push)`);
    const served = await registryDigest(registry, repo, commit);
    expect(run.outputs.digest).toBe(served);
    expect(await registryDigest(registry, repo, "latest")).toBe(served);
    expect(await registryDigest(registry, repo, "stable")).toBe(served);
    const manifest = await manifestOf(registry, repo, commit);
    expect(run.outputs.imageid).toBe(manifest.config?.digest);
    // What buildx wrote of a build into the engine: there, the image's digest is its config's.
    const metadata = JSON.parse(run.outputs.metadata ?? "") as Record<string, unknown>;
    expect(metadata["containerimage.digest"]).toBe(manifest.config?.digest);
    const [config] = await imageConfigs(registry, repo, commit);
    expect(config?.config.Labels).toMatchObject({
      "org.opencontainers.image.revision": commit,
      "org.opencontainers.image.source": "https://github.com/acme/web",
      "org.opencontainers.image.title": "web",
      "org.opencontainers.image.created": expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(standIn().callsOf("application.saveDockerProvider")[0]?.input).toMatchObject({
      dockerImage: `${image}:${commit}`,
    });
    expect(await readFile(join(dockerConfig, "config.json"), "utf8")).toBe(userConfig);
    expectNoSecrets(run, [API_KEY, rig.registryPassword]);
  });

  it("on an engine that holds the repository's images, builds while Dokploy has not answered, and pushes only once it has", async () => {
    const repo = repository();
    const image = `${rig.registryHost}/${repo}`;
    const { home } = await homeFor(tools);
    const cwd = await checkoutWith(dockerfile());
    const first = await runAction({
      inputs: inputs(image, standIn().addApplication().applicationId, { wait: "false" }),
      env: env(sha()),
      cwd,
      home,
    });
    expect(first.exitCode, first.stdout).toBe(0);

    // Dokploy takes 3 s to describe the application: the build is done well before.
    const app = standIn().addApplication();
    standIn().inject({ procedure: "application.one", delayMs: 3000 });
    const commit = sha();
    const run = await runAction({
      inputs: inputs(image, app.applicationId, { wait: "false" }),
      env: env(commit),
      cwd,
      home,
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const lines = run.stdout.split("\n");
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    expect(run.stdout).toContain(
      `Build cache: the engine holds images of ${image}; buildx uses the engine's own cache`,
    );
    expect(lines.find((line) => line.startsWith("$ docker buildx build"))).not.toContain("--cache-from");
    const built = at(/^#\d+ naming to \S+ done$/);
    const answered = at(/^Application "/);
    expect(built).toBeGreaterThan(-1);
    expect(answered).toBeGreaterThan(built);
    expect(at(/^Pushing \S+ \(the engine's push\)$/)).toBeGreaterThan(answered);
    expect(await registryDigest(registry, repo, commit)).toBe(run.outputs.digest);

    // A check that fails after the build: nothing of this commit reaches the registry.
    standIn().inject({ procedure: "application.one", delayMs: 3000, status: 401, body: "unauthorized" });
    const refused = sha();
    const written = standIn().writes().length;
    const stopped = await runAction({
      inputs: inputs(image, standIn().addApplication().applicationId, { wait: "false" }),
      env: env(refused),
      cwd,
      home,
    });
    expect(stopped.exitCode).not.toBe(0);
    expect(stopped.stdout.split("\n").some((line) => /^#\d+ naming to /.test(line))).toBe(true);
    expect(stopped.stdout).not.toContain("(the engine's push)");
    expect(await registryDigest(registry, repo, refused)).toBeUndefined();
    expect(standIn().writes().slice(written)).toEqual([]);
  });

  it("gives build secrets (NAME=value and id=…,env=…) to the RUN step, never to the image, the log or a file", async () => {
    const app = standIn().addApplication();
    const repo = repository();
    const image = `${rig.registryHost}/${repo}`;
    const commit = sha();
    const value = `tok-${randomBytes(12).toString("hex")}`;
    const fromEnv = `env-${randomBytes(12).toString("hex")}`;
    const hash = (text: string) => createHash("sha256").update(text).digest("hex");
    // The build fails unless each secret file holds exactly the value.
    const cwd = await checkoutWith(
      [
        `FROM ${rig.baseImage}`,
        `RUN --mount=type=secret,id=NPM_TOKEN busybox sha256sum /run/secrets/NPM_TOKEN | busybox grep -q ^${hash(value)}`,
        `RUN --mount=type=secret,id=envtok busybox sha256sum /run/secrets/envtok | busybox grep -q ^${hash(fromEnv)}`,
        "RUN echo built > /done",
        "",
      ].join("\n"),
    );
    const { home } = await homeFor(tools);
    const run = await runAction({
      inputs: inputs(image, app.applicationId, { "build-secrets": `NPM_TOKEN=${value}\nid=envtok,env=DEPLOY_TOKEN` }),
      env: env(commit, { DEPLOY_TOKEN: fromEnv }),
      cwd,
      home,
      secrets: [value, fromEnv],
    });

    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.digest).toBe(await registryDigest(registry, repo, commit));
    expect(await registryHolds(registry, repo, commit, value)).toBe(false);
    expect(await registryHolds(registry, repo, commit, fromEnv)).toBe(false);
    expect(await registryHolds(registry, repo, commit, "built")).toBe(true);
    expectNoSecrets(run, [value, fromEnv, API_KEY, rig.registryPassword]);
  });

  it("stops at a failing RUN step before any Dokploy write and pushes nothing", async () => {
    const app = standIn().addApplication();
    const repo = repository();
    const commit = sha();
    const { home } = await homeFor(tools);
    const run = await runAction({
      inputs: inputs(`${rig.registryHost}/${repo}`, app.applicationId),
      env: env(commit),
      cwd: await checkoutWith(`FROM ${rig.baseImage}\nRUN echo compiling && exit 3\n`),
      home,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("::error::docker build failed");
    expect(run.stdout).toContain("exit code: 3");
    expect(standIn().writes()).toEqual([]);
    expect(await registryDigest(registry, repo, commit)).toBeUndefined();
  });

  it("builds with the classic builder when builder is classic, though buildx is installed", async () => {
    const app = standIn().addApplication();
    const repo = repository();
    const commit = sha();
    const { home } = await homeFor(tools);
    const run = await runAction({
      inputs: inputs(`${rig.registryHost}/${repo}`, app.applicationId, { builder: "classic" }),
      env: env(commit),
      cwd: await checkoutWith(dockerfile()),
      home,
    });
    expect(run.exitCode, run.stdout).toBe(0);
    // The classic builder's own log: numbered steps; BuildKit's would start with its build definition.
    expect(run.stdout).toMatch(/Step 1\/\d+ : FROM/);
    expect(run.stdout).not.toContain("load build definition");
    expect(run.outputs.digest).toBe(await registryDigest(registry, repo, commit));
    expect(run.outputs.imageid).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(run.outputs.metadata).toBe("");
  });

  it.each([
    ["not installed", false],
    ["a docker-buildx that is not executable", true],
  ])("builder: buildx with buildx %s is an input error before any call", async (_case, brokenPlugin) => {
    const app = standIn().addApplication();
    const repo = repository();
    const { home, dockerConfig } = await homeFor(undefined);
    if (brokenPlugin) {
      await mkdir(join(dockerConfig, "cli-plugins"));
      await writeFile(join(dockerConfig, "cli-plugins", "docker-buildx"), "#!/bin/sh\n", { mode: 0o644 });
    }
    const run = await runAction({
      inputs: inputs(`${rig.registryHost}/${repo}`, app.applicationId, { builder: "buildx" }),
      env: env(sha()),
      cwd: await checkoutWith(dockerfile()),
      home,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toMatch(/::error::Input "builder": .*docker buildx/);
    expect(run.stdout).toContain("docker/setup-buildx-action");
    expect(standIn().calls).toEqual([]);
  });

  it("falls back to the classic builder, as the docker CLI does, when docker-buildx cannot run", async () => {
    const app = standIn().addApplication();
    const repo = repository();
    const commit = sha();
    const { home, dockerConfig } = await homeFor(undefined);
    await mkdir(join(dockerConfig, "cli-plugins"));
    const plugin = join(dockerConfig, "cli-plugins", "docker-buildx");
    await writeFile(plugin, "#!/bin/sh\nexit 1\n");
    await chmod(plugin, 0o644);
    const run = await runAction({
      inputs: inputs(`${rig.registryHost}/${repo}`, app.applicationId),
      env: env(commit),
      cwd: await checkoutWith(dockerfile()),
      home,
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/Step 1\/\d+ : FROM/);
    expect(run.outputs.digest).toBe(await registryDigest(registry, repo, commit));
  });

  it.each([
    ["cache-to", "type=local,dest=/tmp/never-written", /cannot export a build cache/],
    ["platforms", "linux/amd64,linux/386", /cannot build several platforms/],
    ["provenance", "mode=max", /cannot attach attestations/],
  ])(
    "%s with the docker driver is an input error naming docker/setup-buildx-action, before any call",
    async (input, value, says) => {
      const app = standIn().addApplication();
      const { home } = await homeFor(tools);
      const run = await runAction({
        inputs: inputs(`${rig.registryHost}/${repository()}`, app.applicationId, { [input]: value }),
        env: env(sha()),
        cwd: await checkoutWith(dockerfile()),
        home,
      });
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toContain(`::error::Input "${input}": `);
      expect(run.stdout).toMatch(says);
      expect(run.stdout).toContain('the builder "default" uses the docker driver');
      expect(run.stdout).toContain("docker/setup-buildx-action");
      expect(run.stdout).not.toContain("Logged in");
      expect(standIn().calls).toEqual([]);
    },
  );
});

describe.skipIf(skip)("an earlier login step, registry-username left empty", () => {
  it.each(["buildx", "classic"])(
    "pushes with the login docker already has (builder %s), and the user's config is left as it was",
    async (builder) => {
      const app = standIn().addApplication();
      const repo = repository();
      const commit = sha();
      const { home, dockerConfig } = await homeFor(tools);
      // What docker/login-action leaves behind: a login in ~/.docker/config.json.
      await userDocker(
        rig.dockerHost,
        dockerConfig,
        ["login", rig.registryHost, "--username", rig.registryUser, "--password-stdin"],
        rig.registryPassword,
      );
      const userConfig = await readFile(join(dockerConfig, "config.json"), "utf8");
      const run = await runAction({
        inputs: {
          ...inputs(`${rig.registryHost}/${repo}`, app.applicationId, { builder }),
          "registry-username": "",
          "registry-password": "",
          "pull-username": rig.registryUser,
          "pull-password": rig.registryPassword,
        },
        env: env(commit),
        cwd: await checkoutWith(dockerfile()),
        home,
      });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.stdout).toContain("pushing with the credentials docker already has");
      expect(run.outputs.digest).toBe(await registryDigest(registry, repo, commit));
      expect(await readFile(join(dockerConfig, "config.json"), "utf8")).toBe(userConfig);
    },
  );

  it("pushes with the registry's credential helper, and never asks it to store or erase anything", async () => {
    const app = standIn().addApplication();
    const repo = repository();
    const commit = sha();
    // A credential helper as gcloud or amazon-ecr-credential-helper installs one.
    const bin = await tempDir("helper-bin");
    const calls = join(bin, "calls");
    const helper = join(bin, "docker-credential-rigtest");
    await writeFile(
      helper,
      [
        "#!/bin/sh",
        `echo "$1" >> ${calls}`,
        'if [ "$1" = get ]; then',
        "  read -r server",
        `  printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "$server" '${rig.registryUser}' '${rig.registryPassword}'`,
        "fi",
        "",
      ].join("\n"),
    );
    await chmod(helper, 0o755);
    const { home, dockerConfig } = await homeFor(tools, { credHelpers: { [rig.registryHost]: "rigtest" } });
    const userConfig = await readFile(join(dockerConfig, "config.json"), "utf8");
    const run = await runAction({
      inputs: {
        ...inputs(`${rig.registryHost}/${repo}`, app.applicationId),
        "registry-username": "",
        "registry-password": "",
        "pull-username": rig.registryUser,
        "pull-password": rig.registryPassword,
      },
      env: env(commit, { PATH: `${bin}:${process.env.PATH ?? ""}` }),
      cwd: await checkoutWith(dockerfile()),
      home,
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.digest).toBe(await registryDigest(registry, repo, commit));
    const asked = (await readFile(calls, "utf8")).trim().split("\n");
    expect(asked).toContain("get");
    expect(asked.filter((c) => c !== "get")).toEqual([]);
    expect(await readFile(join(dockerConfig, "config.json"), "utf8")).toBe(userConfig);
  });
});
