/**
 * cache: auto on a runner that starts empty, as GitHub's hosted runners do: every run gets a
 * FRESH engine (classic builder, buildx's docker driver) or an emptied BuildKit builder (remote
 * driver), so only what the registry holds can make a build warm. Real engines, the real
 * registry, buildx and BuildKit; skipped, with the reason printed, where the tools are absent.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { type ActionRun, runAction } from "../support/action";
import {
  type BuildTools,
  type Buildkitd,
  installBuildTools,
  reportSkipped,
  startBuildkitd,
} from "../support/build-tools";
import { checkoutWith, homeFor, repository, sha, userDocker } from "../support/buildx-fixtures";
import { expectNoSecrets } from "../support/run-checks";
import { standInInputs, useStandIn } from "../support/fixtures";
import { rigRegistry } from "../support/global-setup";
import { blobOf, platformManifests } from "../support/registry-content";
import { type Engine, freePort, registryDigest, startEngine } from "../support/rig";

const rig = inject("rig");
const registry = rigRegistry(rig);
const API_KEY = `key-${randomBytes(12).toString("hex")}`;
const skip = reportSkipped("cache: auto on fresh engines");
const standIn = useStandIn({ apiKey: API_KEY });
const KINDS = ["classic", "docker driver", "BuildKit"] as const;
type Kind = (typeof KINDS)[number];
let tools: BuildTools;
let buildkitd: Buildkitd | undefined;
/** busybox in the test registry: every fresh engine and the BuildKit builder pull the same base. */
let base: string;
const engines: Engine[] = [];

beforeAll(async () => {
  if (skip) return;
  tools = await installBuildTools();
  buildkitd = await startBuildkitd(tools);
  const { dockerConfig } = await homeFor(undefined);
  const login = ["login", rig.registryHost, "--username", rig.registryUser, "--password-stdin"];
  await userDocker(rig.dockerHost, dockerConfig, login, rig.registryPassword);
  base = `${rig.registryHost}/cache/base:1`;
  await userDocker(rig.dockerHost, dockerConfig, ["tag", rig.baseImage, base]);
  await userDocker(rig.dockerHost, dockerConfig, ["push", base]);
});

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop();
});

afterAll(async () => {
  await buildkitd?.stop();
});

/** Where the runs of one test build: a HOME (with buildx and its builder, or not) and a fresh start for each run. */
interface Runner {
  readonly home: string;
  /** An empty engine (its DOCKER_HOST); with BuildKit, the builder emptied too. */
  fresh(): Promise<string>;
}

async function runnerFor(kind: Kind): Promise<Runner> {
  const freshEngine = async () => {
    const engine = await startEngine();
    engines.push(engine);
    return engine.host;
  };
  if (kind === "classic") return { home: (await homeFor(undefined)).home, fresh: freshEngine };
  const { home, dockerConfig } = await homeFor(tools);
  if (kind === "docker driver") return { home, fresh: freshEngine };
  const builder = `bk-${randomBytes(4).toString("hex")}`;
  const create = ["buildx", "create", "--name", builder, "--driver", "remote", "--use", buildkitd?.address ?? ""];
  await userDocker(rig.dockerHost, dockerConfig, create);
  return {
    home,
    fresh: async () => {
      await userDocker(rig.dockerHost, dockerConfig, ["buildx", "prune", "-af", "--builder", builder]);
      return rig.dockerHost;
    },
  };
}

async function deploy(
  runner: Runner,
  applicationId: string,
  image: string,
  cwd: string,
  extra: Record<string, string> = {},
): Promise<ActionRun & { commit: string }> {
  const commit = sha();
  const run = await runAction({
    inputs: standInInputs({ rig, standIn: standIn(), apiKey: API_KEY }, applicationId, image, {
      wait: "false",
      ...extra,
    }),
    env: { GITHUB_SHA: commit, DOCKER_HOST: await runner.fresh() },
    cwd,
    home: runner.home,
  });
  return { ...run, commit };
}

/** The uncompressed digests of an image's layers, from its config. */
async function layersOf(repo: string, tag: string): Promise<string[]> {
  const [manifest] = await platformManifests(registry, repo, tag);
  const config = JSON.parse((await blobOf(registry, repo, manifest?.config?.digest ?? "")).toString()) as {
    rootfs: { diff_ids: string[] };
  };
  return config.rootfs.diff_ids;
}

/** A dependency step whose layer holds the moment it ran: only a cache hit gives the same layer again. */
function dockerfile(): string {
  const marker = randomBytes(6).toString("hex");
  return `FROM ${base}\nRUN echo "dependencies ${marker}" > /deps && busybox date +%s%N >> /deps\nCOPY app.txt /app.txt\n`;
}

const cacheLines = (run: ActionRun) =>
  run.stdout.split("\n").filter((line) => line.includes("Build cache: could not read"));

describe.skipIf(skip)("cache: auto on a runner that starts empty", () => {
  it.each(KINDS)(
    "%s: a one-line change on a fresh engine reuses the dependency layer with cache: auto, and not with cache: off",
    async (kind) => {
      const app = standIn().addApplication();
      const repo = repository("cache");
      const image = `${rig.registryHost}/${repo}`;
      const cwd = await checkoutWith(dockerfile(), { "app.txt": "one\n" });
      const runner = await runnerFor(kind);

      const cold = await deploy(runner, app.applicationId, image, cwd);
      expect(cold.exitCode, cold.stdout).toBe(0);
      await writeFile(join(cwd, "app.txt"), "two\n");
      const warm = await deploy(runner, app.applicationId, image, cwd);
      expect(warm.exitCode, warm.stdout).toBe(0);
      await writeFile(join(cwd, "app.txt"), "three\n");
      const off = await deploy(runner, app.applicationId, image, cwd, { cache: "off" });
      expect(off.exitCode, off.stdout).toBe(0);

      const [coldLayers, warmLayers, offLayers] = await Promise.all(
        [cold, warm, off].map((run) => layersOf(repo, run.commit)),
      );
      expect(coldLayers).toHaveLength(3);
      // The base and the dependency layer came from the previous run's image; the app layer is new.
      expect(warmLayers?.slice(0, 2)).toEqual(coldLayers?.slice(0, 2));
      expect(warmLayers?.[2]).not.toBe(coldLayers?.[2]);
      // With cache: off the dependency step ran again.
      expect(offLayers?.[0]).toBe(coldLayers?.[0]);
      expect(offLayers?.[1]).not.toBe(coldLayers?.[1]);
      expect(off.stdout).not.toContain("Build cache:");
    },
  );

  it.each(KINDS)(
    "%s: a cache source that cannot be read does not fail the build, and is reported once",
    async (kind) => {
      const gone = `${rig.registryHost}/${repository("gone")}:1`;
      const app = standIn().addApplication({ sourceType: "docker", dockerImage: gone });
      const repo = repository("cache");
      const run = await deploy(
        await runnerFor(kind),
        app.applicationId,
        `${rig.registryHost}/${repo}`,
        await checkoutWith(dockerfile(), { "app.txt": "one\n" }),
      );
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs.digest).toBe(await registryDigest(registry, repo, run.commit));
      const lines = cacheLines(run);
      expect(lines, run.stdout).toHaveLength(1);
      expect(lines[0]).toContain(gone);
    },
  );

  it("BuildKit on GitHub with the cache service: type=gha, the runtime token in docker's environment only; a gha cache buildx cannot set up (a token it cannot read) does not fail the build", async () => {
    const token = `rt-${randomBytes(12).toString("hex")}`;
    const closed = await freePort();
    const app = standIn().addApplication();
    const repo = repository("cache");
    const runner = await runnerFor("BuildKit");
    const run = await runAction({
      inputs: standInInputs(
        { rig, standIn: standIn(), apiKey: API_KEY },
        app.applicationId,
        `${rig.registryHost}/${repo}`,
        {
          wait: "false",
        },
      ),
      env: {
        GITHUB_SHA: sha(),
        DOCKER_HOST: await runner.fresh(),
        ACTIONS_RUNTIME_TOKEN: token,
        ACTIONS_CACHE_URL: `http://127.0.0.1:${String(closed)}/`,
      },
      cwd: await checkoutWith(dockerfile(), { "app.txt": "one\n" }),
      home: runner.home,
      secrets: [token],
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const build = run.stdout.split("\n").find((line) => line.startsWith("$ docker buildx build")) ?? "";
    expect(build).toContain("--cache-from type=gha");
    expect(build).toContain("--cache-to type=gha,mode=max,ignore-error=true");
    expect(await registryDigest(registry, repo, run.outputs.tag ?? "")).toBe(run.outputs.digest);
    expectNoSecrets(run, [token, API_KEY, rig.registryPassword]);
    expect(run.stdout.match(/Build cache: /g)?.length, run.stdout).toBe(1);
  });

  it("leaves explicit cache-from and cache-to as given: nothing added", async () => {
    const app = standIn().addApplication({
      sourceType: "docker",
      dockerImage: `${rig.registryHost}/cache/running:1`,
    });
    const repo = repository("cache");
    const image = `${rig.registryHost}/${repo}`;
    const mine = `type=registry,ref=${image}:mine`;
    const run = await deploy(
      await runnerFor("docker driver"),
      app.applicationId,
      image,
      await checkoutWith(dockerfile(), { "app.txt": "one\n" }),
      { "extra-tags": "latest", "cache-from": mine },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    const build = run.stdout.split("\n").find((line) => line.startsWith("$ docker buildx build")) ?? "";
    expect(build.match(/--cache-(from|to) \S+/g)).toEqual([`--cache-from ${mine}`]);
  });

  it("leaves the classic build without cache sources with cache: off", async () => {
    const app = standIn().addApplication({
      sourceType: "docker",
      dockerImage: `${rig.registryHost}/cache/running:1`,
    });
    const run = await deploy(
      await runnerFor("classic"),
      app.applicationId,
      `${rig.registryHost}/${repository("cache")}`,
      await checkoutWith(dockerfile(), { "app.txt": "one\n" }),
      { cache: "off", "extra-tags": "latest" },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    const build = run.stdout.split("\n").find((line) => line.startsWith("$ docker build")) ?? "";
    expect(build).not.toContain("--cache-from");
    expect(run.stdout).not.toContain("Build cache:");
  });
});
