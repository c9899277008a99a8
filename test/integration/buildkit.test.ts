/**
 * buildx with a BuildKit builder, as docker/setup-buildx-action gives one: a host buildkitd
 * (BuildKit v0.24.0 from ../shared/tools) behind buildx's `remote` driver. BuildKit pushes by
 * itself, builds several platforms, exports caches and attaches attestations. Bases come from
 * the test registry (buildkitd does not see the engine's images). Skipped, with the reason
 * printed, where the tools are absent.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, symlink, copyFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import {
  type BuildTools,
  type Buildkitd,
  dockerConfigWithBuildx,
  installBuildTools,
  reportSkipped,
  startBuildkitd,
} from "../support/build-tools";
import { checkoutWith, homeFor, repository, sha, userDocker } from "../support/buildx-fixtures";
import { standInInputs, useStandIn } from "../support/fixtures";
import { expectNoSecrets } from "../support/run-checks";
import { rigRegistry } from "../support/global-setup";
import {
  attestationsOf,
  imageConfigs,
  manifestOf,
  platformManifests,
  registryHolds,
} from "../support/registry-content";
import { registryDigest } from "../support/rig";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const registry = rigRegistry(rig);
const API_KEY = `key-${randomBytes(12).toString("hex")}`;
const skip = reportSkipped("buildx with a BuildKit builder (remote driver)");
const standIn = useStandIn({ apiKey: API_KEY });
const inputs = (image: string, applicationId: string, extra: Record<string, string> = {}) =>
  standInInputs({ rig, standIn: standIn(), apiKey: API_KEY }, applicationId, image, extra);

const PLATFORMS = ["linux/386", "linux/amd64"];
let tools: BuildTools;
let buildkitd: Buildkitd | undefined;
/** A busybox base for both platforms, in the test registry. */
let base: string;

/** Creates a builder for the buildkitd in this docker config and makes it the current one. */
async function useRemoteBuilder(dockerConfig: string): Promise<string> {
  const name = `bk-${randomBytes(4).toString("hex")}`;
  await userDocker(rig.dockerHost, dockerConfig, [
    "buildx",
    "create",
    "--name",
    name,
    "--driver",
    "remote",
    "--use",
    buildkitd?.address ?? "",
  ]);
  return name;
}

/** Pushes busybox as a two-platform image (FROM scratch + COPY: no RUN step needed to make it). */
async function pushBase(): Promise<string> {
  const config = await dockerConfigWithBuildx(join(await tempDir("base-config"), ".docker"), tools);
  await writeFile(join(config, "config.json"), "{}");
  await userDocker(
    rig.dockerHost,
    config,
    ["login", rig.registryHost, "--username", rig.registryUser, "--password-stdin"],
    rig.registryPassword,
  );
  await useRemoteBuilder(config);
  const context = await tempDir("base");
  const bin = join(context, "rootfs", "bin");
  await mkdir(bin, { recursive: true });
  await mkdir(join(context, "rootfs", "tmp"));
  await copyFile("/bin/busybox", join(bin, "busybox"));
  for (const tool of ["sh", "echo", "cat", "sleep", "uname"]) await symlink("busybox", join(bin, tool));
  await writeFile(join(context, "Dockerfile"), "FROM scratch\nCOPY rootfs/ /\n");
  const ref = `${rig.registryHost}/base/busybox:1`;
  await userDocker(rig.dockerHost, config, [
    "buildx",
    "build",
    "--platform",
    PLATFORMS.join(","),
    "--provenance=false",
    "--push",
    "--tag",
    ref,
    context,
  ]);
  return ref;
}

beforeAll(async () => {
  if (skip) return;
  tools = await installBuildTools();
  buildkitd = await startBuildkitd(tools);
  base = await pushBase();
});

afterAll(async () => {
  await buildkitd?.stop();
});

/** A HOME whose current builder is the buildkitd (as setup-buildx-action leaves it). */
async function homeWithBuilder(config?: unknown): Promise<{ home: string; dockerConfig: string; builder: string }> {
  const home = await homeFor(tools, config);
  return { ...home, builder: await useRemoteBuilder(home.dockerConfig) };
}

const env = (commit: string, more: Record<string, string> = {}) => ({
  GITHUB_SHA: commit,
  DOCKER_HOST: rig.dockerHost,
  ...more,
});

describe.skipIf(skip)("buildx with a BuildKit builder (remote driver)", () => {
  it("pushes a multi-platform index; digest equals the registry's; OCI labels on every platform's config", async () => {
    const app = standIn().addApplication();
    const repo = repository("bk");
    const image = `${rig.registryHost}/${repo}`;
    const commit = sha();
    const { home } = await homeWithBuilder();
    const run = await runAction({
      inputs: inputs(image, app.applicationId, { platforms: PLATFORMS.join(","), "extra-tags": "latest" }),
      env: env(commit),
      cwd: await checkoutWith(`FROM ${base}\nARG TARGETARCH\nRUN echo "$TARGETARCH" > /arch\n`),
      home,
    });

    expect(run.exitCode, run.stdout).toBe(0);
    const served = await registryDigest(registry, repo, commit);
    expect(run.outputs.digest).toBe(served);
    expect(await registryDigest(registry, repo, "latest")).toBe(served);
    const index = await manifestOf(registry, repo, commit);
    expect(index.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    const platforms = (await platformManifests(registry, repo, commit)).length;
    expect(platforms).toBe(2);
    const configs = await imageConfigs(registry, repo, commit);
    expect(configs.map((c) => `${c.os}/${c.architecture}`).sort()).toEqual(PLATFORMS);
    for (const config of configs) {
      expect(config.config.Labels).toMatchObject({
        "org.opencontainers.image.revision": commit,
        "org.opencontainers.image.source": "https://github.com/acme/web",
        "org.opencontainers.image.title": "web",
      });
    }
    const metadata = JSON.parse(run.outputs.metadata ?? "") as Record<string, unknown>;
    expect(metadata["containerimage.digest"]).toBe(served);
    expect(run.outputs.imageid).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(standIn().callsOf("application.saveDockerProvider")[0]?.input).toMatchObject({
      dockerImage: `${image}:${commit}`,
    });
    expectNoSecrets(run, [API_KEY, rig.registryPassword]);
  });

  it("exports a registry cache in one run that the next run, on an emptied builder, builds from", async () => {
    const app = standIn().addApplication();
    const repo = repository("bk");
    const image = `${rig.registryHost}/${repo}`;
    const marker = randomBytes(6).toString("hex");
    const cwd = await checkoutWith(
      // The step's layer holds the time it ran: only a cache hit gives the same layer again.
      `FROM ${base}\nRUN echo "dependencies ${marker}" > /deps && busybox date +%s%N >> /deps\nCOPY app.txt /app.txt\n`,
      { "app.txt": "one\n" },
    );
    const { home, dockerConfig, builder } = await homeWithBuilder();
    const cache = `${image}:buildcache`;
    const cacheInputs = {
      "cache-from": `type=registry,ref=${cache}`,
      "cache-to": `type=registry,ref=${cache},mode=max`,
      provenance: "false",
    };
    const first = await runAction({
      inputs: inputs(image, app.applicationId, cacheInputs),
      env: env(sha()),
      cwd,
      home,
    });
    expect(first.exitCode, first.stdout).toBe(0);
    expect(await registryDigest(registry, repo, "buildcache")).toMatch(/^sha256:/);

    // A new runner: nothing in the builder, one line of the app changed.
    await userDocker(rig.dockerHost, dockerConfig, ["buildx", "prune", "-af", "--builder", builder]);
    await writeFile(join(cwd, "app.txt"), "two\n");
    const commit = sha();
    const second = await runAction({
      inputs: inputs(image, app.applicationId, cacheInputs),
      env: env(commit),
      cwd,
      home,
    });
    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.stdout).toContain(`importing cache manifest from ${cache}`);
    const layers = async (tag: string) =>
      (await platformManifests(registry, repo, tag))[0]?.layers?.map((l) => l.digest);
    const [firstLayers, secondLayers] = await Promise.all([layers(first.outputs.tag ?? ""), layers(commit)]);
    // The dependency layer is the same blob; the app layer is new.
    expect(firstLayers).toHaveLength(3);
    expect(secondLayers?.[1]).toBe(firstLayers?.[1]);
    expect(secondLayers?.[2]).not.toBe(firstLayers?.[2]);
  });

  it("gives a NAME=value secret to the RUN step, never to the image, the log or a file", async () => {
    const app = standIn().addApplication();
    const repo = repository("bk");
    const commit = sha();
    const value = `tok-${randomBytes(12).toString("hex")}`;
    const hash = createHash("sha256").update(value).digest("hex");
    const { home } = await homeWithBuilder();
    const run = await runAction({
      inputs: inputs(`${rig.registryHost}/${repo}`, app.applicationId, { "build-secrets": `GIT_AUTH_TOKEN=${value}` }),
      env: env(commit),
      cwd: await checkoutWith(
        `FROM ${base}\nRUN --mount=type=secret,id=GIT_AUTH_TOKEN busybox sha256sum /run/secrets/GIT_AUTH_TOKEN | busybox grep -q ^${hash}\nRUN echo built > /done\n`,
      ),
      home,
      secrets: [value],
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.digest).toBe(await registryDigest(registry, repo, commit));
    expect(await registryHolds(registry, repo, commit, "built")).toBe(true);
    // Provenance attestations (mode=min by default here) are searched too.
    expect(await registryHolds(registry, repo, commit, value)).toBe(false);
    expectNoSecrets(run, [value, API_KEY, rig.registryPassword]);
  });

  it("stops at a failing RUN step before any Dokploy write and pushes nothing", async () => {
    const app = standIn().addApplication();
    const repo = repository("bk");
    const commit = sha();
    const { home } = await homeWithBuilder();
    const run = await runAction({
      inputs: inputs(`${rig.registryHost}/${repo}`, app.applicationId, { platforms: PLATFORMS.join(",") }),
      env: env(commit),
      cwd: await checkoutWith(`FROM ${base}\nRUN echo compiling && exit 3\n`),
      home,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("::error::docker build failed");
    expect(run.stdout).toContain("exit code: 3");
    expect(standIn().writes()).toEqual([]);
    expect(await registryDigest(registry, repo, commit)).toBeUndefined();
  });

  it("attaches a provenance attestation with provenance: mode=max, and none with provenance: false", async () => {
    const app = standIn().addApplication();
    const repo = repository("bk");
    const { home } = await homeWithBuilder();
    const cwd = await checkoutWith(`FROM ${base}\nRUN echo attested > /a\n`);
    const attested = sha();
    const withAttestation = await runAction({
      inputs: inputs(`${rig.registryHost}/${repo}`, app.applicationId, { provenance: "mode=max" }),
      env: env(attested),
      cwd,
      home,
    });
    expect(withAttestation.exitCode, withAttestation.stdout).toBe(0);
    expect(withAttestation.outputs.digest).toBe(await registryDigest(registry, repo, attested));
    expect(await attestationsOf(registry, repo, attested)).toHaveLength(1);
    const metadata = JSON.parse(withAttestation.outputs.metadata ?? "{}") as Record<string, unknown>;
    expect(metadata["buildx.build.provenance"]).toMatchObject({ buildType: expect.any(String) });

    const plain = sha();
    const without = await runAction({
      inputs: inputs(`${rig.registryHost}/${repo}`, app.applicationId, { provenance: "false" }),
      env: env(plain),
      cwd,
      home,
    });
    expect(without.exitCode, without.stdout).toBe(0);
    const manifest = await manifestOf(registry, repo, plain);
    expect(manifest.manifests).toBeUndefined();
    expect(without.outputs.digest).toBe(manifest.digest);
    expect(without.outputs.imageid).toBe(manifest.config?.digest);
  });

  it("pushes with an earlier login when registry-username is empty, and leaves the user's config as it was", async () => {
    const app = standIn().addApplication();
    const repo = repository("bk");
    const commit = sha();
    const { home, dockerConfig } = await homeWithBuilder();
    await userDocker(
      rig.dockerHost,
      dockerConfig,
      ["login", rig.registryHost, "--username", rig.registryUser, "--password-stdin"],
      rig.registryPassword,
    );
    const userConfig = await readFile(join(dockerConfig, "config.json"), "utf8");
    const run = await runAction({
      inputs: {
        ...inputs(`${rig.registryHost}/${repo}`, app.applicationId),
        "registry-username": "",
        "registry-password": "",
        "pull-username": rig.registryUser,
        "pull-password": rig.registryPassword,
      },
      env: env(commit),
      cwd: await checkoutWith(`FROM ${base}\nRUN echo pushed > /p\n`),
      home,
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.digest).toBe(await registryDigest(registry, repo, commit));
    expect(await readFile(join(dockerConfig, "config.json"), "utf8")).toBe(userConfig);
  });
});
