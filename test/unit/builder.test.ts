import { describe, expect, it } from "vitest";
import { MemoryLogger } from "../support/loggers";
import {
  ConfigError,
  Docker,
  type Exec,
  chooseBuilder,
  exportsCache,
  parseBuilderInfo,
  parseConfig,
  unsupportedInputs,
} from "./imports";
import { BASE_INPUTS as base, UNIT_CI as ci } from "../support/fixtures";

// `docker buildx inspect --debug` as buildx v0.28.0 prints it for dockerd 20.10's builder...
const DOCKER_DRIVER = `Name:   default
Driver: docker

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.8+unknown
Platforms:        linux/amd64, linux/386
Features:
 Automatically load images to the Docker Engine image store: true
 Cache export:                                               false
 Direct push:                                                false
 Docker exporter:                                            false
 Multi-platform build:                                       false
 OCI exporter:                                               false
`;

// ...and for a BuildKit v0.24.0 daemon behind the remote driver.
const REMOTE_DRIVER = `Name:          rb
Driver:        remote
Last Activity: 2026-11-23 14:40:56 +0000 UTC

Nodes:
Name:             rb0
Endpoint:         unix:///tmp/bk/buildkitd.sock
Status:           running
BuildKit version: v0.24.0
Platforms:        linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/386
Features:
 Automatically load images to the Docker Engine image store: false
 Cache export:                                               true
 Direct push:                                                true
 Docker exporter:                                            true
 Multi-platform build:                                       true
 OCI exporter:                                               true
Labels:
 org.mobyproject.buildkit.worker.executor:         oci
 org.mobyproject.buildkit.worker.snapshotter:      overlayfs
`;

describe("what the builder can do", () => {
  it("reads the builder's name, driver and features from buildx inspect", () => {
    const docker = parseBuilderInfo(DOCKER_DRIVER);
    expect(docker?.name).toBe("default");
    expect(docker?.driver).toBe("docker");
    expect(docker?.features.get("Cache export")).toBe(false);
    expect(docker?.features.get("Multi-platform build")).toBe(false);
    const remote = parseBuilderInfo(REMOTE_DRIVER);
    expect(remote?.driver).toBe("remote");
    expect(remote?.features.get("Multi-platform build")).toBe(true);
    expect(remote?.features.has("org.mobyproject.buildkit.worker.executor")).toBe(false);
    expect(parseBuilderInfo("ERROR: no builder")).toBeUndefined();
  });

  it("reads the BuildKit version, and whether the builder exports a cache", () => {
    const docker = parseBuilderInfo(DOCKER_DRIVER)!;
    const remote = parseBuilderInfo(REMOTE_DRIVER)!;
    expect(docker.buildkit).toBe("v0.8+unknown");
    expect(remote.buildkit).toBe("v0.24.0");
    expect(exportsCache(docker)).toBe(false);
    expect(exportsCache(remote)).toBe(true);
  });

  it("names every input the docker driver cannot honour, and what to add", () => {
    const config = parseConfig(
      {
        ...base,
        "cache-to": "type=gha,mode=max",
        platforms: "linux/amd64,linux/arm64",
        provenance: "mode=max",
        sbom: "false",
      },
      ci,
    );
    const problems = unsupportedInputs(config, parseBuilderInfo(DOCKER_DRIVER)!);
    expect(problems.map((p) => p.input)).toEqual(["cache-to", "platforms", "provenance"]);
    for (const p of problems) {
      expect(p.message).toContain('the builder "default" uses the docker driver');
      expect(p.message).toContain("docker/setup-buildx-action");
    }
    expect(unsupportedInputs(config, parseBuilderInfo(REMOTE_DRIVER)!)).toEqual([]);
  });

  it("lets the docker driver do what it can: an inline cache, one platform, no attestations", () => {
    const config = parseConfig(
      { ...base, "cache-to": "type=inline", platforms: "linux/arm64", provenance: "false" },
      ci,
    );
    expect(unsupportedInputs(config, parseBuilderInfo(DOCKER_DRIVER)!)).toEqual([]);
    // An engine with the containerd image store: buildx lists the features as true.
    const containerd = parseBuilderInfo(DOCKER_DRIVER.replace(/false/g, "true"))!;
    const wide = parseConfig({ ...base, "cache-to": "type=gha", platforms: "linux/amd64,linux/arm64" }, ci);
    expect(unsupportedInputs(wide, containerd)).toEqual([]);
  });
});

describe("chooseBuilder", () => {
  function ports(buildx: boolean, inspect = DOCKER_DRIVER) {
    const calls: { argv: readonly string[]; env?: Readonly<Record<string, string>> }[] = [];
    const removed: string[] = [];
    const exec: Exec = (_file, argv, options = {}) => {
      calls.push({ argv, env: options.env });
      return Promise.resolve({ exitCode: 0, stdout: inspect, stderr: "" });
    };
    let made = 0;
    return {
      calls,
      removed,
      docker: new Docker(exec, new MemoryLogger()),
      ports: {
        hasBuildx: () => Promise.resolve(buildx),
        createDockerConfig: () => {
          const dir = `/tmp/throwaway-${String((made += 1))}`;
          return Promise.resolve({
            dir,
            readFile: () => Promise.resolve(undefined),
            writeFile: (name: string) => Promise.resolve(`${dir}/${name}`),
            remove: () => {
              removed.push(dir);
              return Promise.resolve();
            },
          });
        },
      },
    };
  }

  it("rejects builder: buildx without buildx, running nothing", async () => {
    const fake = ports(false);
    const config = parseConfig({ ...base, builder: "buildx" }, ci);
    const error = await chooseBuilder(config, fake.ports, fake.docker).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).input).toBe("builder");
    expect((error as ConfigError).message).toContain("docker/setup-buildx-action");
    expect(fake.calls).toEqual([]);
  });

  it("asks buildx about the builder in a throwaway docker config, only when an input depends on it", async () => {
    const fake = ports(true);
    const plain = await chooseBuilder(parseConfig(base, ci), fake.ports, fake.docker);
    expect(await plain.probe).toBe(true);
    expect(fake.calls).toEqual([]);

    const error = await chooseBuilder(
      parseConfig({ ...base, "cache-to": "type=gha" }, ci),
      fake.ports,
      fake.docker,
    ).catch((e: unknown) => e);
    expect((error as ConfigError).input).toBe("cache-to");
    expect(fake.calls).toEqual([
      { argv: ["buildx", "inspect", "--debug"], env: { DOCKER_CONFIG: "/tmp/throwaway-1" } },
    ]);
    expect(fake.removed).toEqual(["/tmp/throwaway-1"]);

    const remote = ports(true, REMOTE_DRIVER);
    const choice = await chooseBuilder(
      parseConfig({ ...base, "cache-to": "type=gha", platforms: "linux/amd64,linux/arm64" }, ci),
      remote.ports,
      remote.docker,
    );
    expect(await choice.probe).toBe(true);
  });
});
