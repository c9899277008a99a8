import { describe, expect, it } from "vitest";
import type { SwarmNode } from "../../src/dokploy/cluster";
import { DokployError, PullCheckError } from "../../src/shared/errors";
import { parseImageName } from "../../src/shared/image";
import { Ledger } from "../../src/record/ledger";
import type { RegistryPlatforms } from "../../src/registry/context";
import { checkPlatforms } from "../../src/registry/platform-check";
import {
  type Platform,
  configPlatform,
  indexPlatforms,
  nodePlatform,
  platformName,
  runsOn,
  unservedPlatforms,
} from "../../src/registry/platforms";
import { MemoryLogger } from "../support/loggers";

const p = (name: string): Platform => {
  const [os = "", architecture = "", variant] = name.split("/");
  return { os, architecture, ...(variant ? { variant } : {}) };
};

describe("runsOn", () => {
  it.each([
    ["linux/amd64", "linux/amd64", true],
    ["linux/arm64", "linux/arm64", true],
    ["linux/arm64/v8", "linux/arm64", true],
    ["linux/arm64", "linux/arm64/v8", true],
    ["linux/amd64/v2", "linux/amd64", true],
    ["linux/386", "linux/amd64", true],
    ["linux/arm/v7", "linux/arm64", true],
    ["linux/arm/v6", "linux/arm/v7", true],
    ["linux/arm/v7", "linux/arm/v6", false],
    ["linux/amd64", "linux/arm64", false],
    ["linux/arm64", "linux/amd64", false],
    ["linux/amd64", "linux/386", false],
    ["linux/arm64", "linux/arm/v7", false],
    ["windows/amd64", "linux/amd64", false],
    ["linux/amd64", "windows/amd64", false],
  ])("an image for %s on a %s node: %s", (image, node, runs) => {
    expect(runsOn(p(image), p(node))).toBe(runs);
  });
});

describe("nodePlatform", () => {
  it.each([
    ["x86_64", "linux/amd64"],
    ["aarch64", "linux/arm64"],
    ["armv7l", "linux/arm/v7"],
    ["armv6l", "linux/arm/v6"],
    ["i686", "linux/386"],
    ["s390x", "linux/s390x"],
    ["ppc64le", "linux/ppc64le"],
  ])("uname -m %s is %s", (machine, name) => {
    expect(platformName(nodePlatform({ Architecture: machine, OS: "linux" }))).toBe(name);
  });
});

describe("the platforms of an image", () => {
  it("lists an index's platforms, without BuildKit's attestation entries", () => {
    const index = {
      manifests: [
        { platform: { os: "linux", architecture: "amd64" } },
        { platform: { os: "linux", architecture: "arm64", variant: "v8" } },
        {
          platform: { os: "unknown", architecture: "unknown" },
          annotations: { "vnd.docker.reference.type": "attestation-manifest" },
        },
        { annotations: { "vnd.docker.reference.type": "attestation-manifest" } },
      ],
    };
    expect(indexPlatforms(index).map(platformName)).toEqual(["linux/amd64", "linux/arm64/v8"]);
  });

  it("takes a single image's platform from its config, and nothing from a config that does not say", () => {
    expect(configPlatform({ os: "linux", architecture: "arm64", rootfs: {} })).toEqual(p("linux/arm64"));
    expect(configPlatform({ os: "linux", architecture: "arm", variant: "v7" })).toEqual(p("linux/arm/v7"));
    expect(configPlatform({ rootfs: {} })).toBeUndefined();
  });

  it("names the node platforms no image platform runs on, once each", () => {
    const nodes = [p("linux/amd64"), p("linux/arm64"), p("linux/arm64")];
    expect(unservedPlatforms([p("linux/amd64")], nodes).map(platformName)).toEqual(["linux/arm64"]);
    expect(unservedPlatforms([p("linux/amd64"), p("linux/arm64/v8")], nodes)).toEqual([]);
  });
});

function node(machine: string, extra: Partial<SwarmNode> = {}): SwarmNode {
  return { Description: { Hostname: `n-${machine}`, Platform: { Architecture: machine, OS: "linux" } }, ...extra };
}

interface Fakes {
  readonly image: Platform[] | Error;
  readonly nodes: Record<string, SwarmNode[] | Error>;
}

function context(fakes: Fakes, verifyPlatform = true) {
  const logger = new MemoryLogger();
  const reads: string[] = [];
  const ctx = {
    config: {
      verifyPlatform,
      image: parseImageName("127.0.0.1:5000/acme/web"),
      tag: "abc",
      requestTimeoutSeconds: 30,
    },
    image: "127.0.0.1:5000/acme/web:abc",
    logger,
    ledger: new Ledger(),
    ports: { clock: () => 0 },
    dokploy: {},
    remote: {
      imagePlatforms: (_image: unknown, reference: string) => {
        reads.push(reference);
        return fakes.image instanceof Error ? Promise.reject(fakes.image) : Promise.resolve(fakes.image);
      },
      clusterNodes: (_dokploy: unknown, serverId?: string) => {
        const answer = fakes.nodes[serverId ?? ""] ?? [];
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
    },
  } as unknown as RegistryPlatforms;
  return { ctx, logger, reads };
}

const HOST = { name: "the Dokploy host" };
const ARM = { serverId: "s1", name: 'server "arm-box"' };

describe("checkPlatforms", () => {
  it("refuses an image no node runs, naming both and the platforms to build", async () => {
    const { ctx } = context({ image: [p("linux/amd64")], nodes: { "": [node("x86_64")], s1: [node("aarch64")] } });
    const refusal = await checkPlatforms(ctx, [HOST, ARM]).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(PullCheckError);
    expect((refusal as PullCheckError).failure).toBe("platform");
    const message = (refusal as Error).message;
    expect(message).toContain(
      '127.0.0.1:5000/acme/web:abc is built for linux/amd64; the nodes of server "arm-box" are linux/arm64.',
    );
    expect(message).toContain("platforms: linux/arm64 (or linux/arm64,linux/amd64 for both");
    expect(message).toContain("Nothing was changed in Dokploy");
    expect(message).not.toContain("Dokploy host");
  });

  it("passes with a line when a platform of the image runs on the nodes (an index with arm64/v8)", async () => {
    const { ctx, logger } = context({
      image: [p("linux/amd64"), p("linux/arm64/v8")],
      nodes: { "": [node("x86_64")], s1: [node("aarch64")] },
    });
    await checkPlatforms(ctx, [HOST, ARM, HOST]);
    expect(logger.text()).toContain(
      "info: 127.0.0.1:5000/acme/web:abc (linux/amd64, linux/arm64/v8) runs on the nodes of the Dokploy host (linux/amd64)",
    );
    expect(logger.text()).toContain('runs on the nodes of server "arm-box" (linux/arm64)');
  });

  it("warns, and goes on, when only some nodes run no platform of the image", async () => {
    const { ctx, logger } = context({ image: [p("linux/amd64")], nodes: { "": [node("x86_64"), node("aarch64")] } });
    await checkPlatforms(ctx, [HOST]);
    expect(logger.text()).toMatch(/warn: .*no platform for the linux\/arm64 nodes of the Dokploy host/);
  });

  it("leaves drained, paused and down nodes out", async () => {
    const drained = node("aarch64", { Spec: { Availability: "drain" } });
    const paused = node("aarch64", { Spec: { Availability: "pause" } });
    const down = node("aarch64", { Status: { State: "down" } });
    const nodes = [
      node("x86_64", { Spec: { Availability: "active" }, Status: { State: "ready" } }),
      drained,
      paused,
      down,
    ];
    const { ctx, logger } = context({ image: [p("linux/amd64")], nodes: { "": nodes } });
    await checkPlatforms(ctx, [HOST]);
    expect(logger.text()).not.toContain("warn:");
    expect(logger.text()).toContain("runs on the nodes of the Dokploy host (linux/amd64)");
  });

  it("reads the digest the pull check read, not the tag", async () => {
    const { ctx, reads } = context({ image: [p("linux/amd64")], nodes: { "": [node("x86_64")] } });
    ctx.ledger.record({ kind: "served", to: "pull", digest: `sha256:${"a".repeat(64)}`, mediaType: "x" });
    await checkPlatforms(ctx, [HOST]);
    expect(reads).toEqual([`sha256:${"a".repeat(64)}`]);
  });

  it.each([
    [
      "cluster.getNodes is refused",
      {
        image: [p("linux/amd64")],
        nodes: { "": new DokployError("cluster.getNodes", 403, "Dokploy cluster.getNodes (HTTP 403): FORBIDDEN") },
      },
      /Dokploy did not list the nodes of the Dokploy host \(cluster.getNodes: .*403.*\); not checked there/,
    ],
    [
      "the registry does not answer",
      { image: new Error("connect ECONNREFUSED"), nodes: { "": [node("aarch64")] } },
      /could not read the platforms of .*ECONNREFUSED; not checked/,
    ],
    [
      "the image does not say",
      { image: [], nodes: { "": [node("aarch64")] } },
      /does not say its platform; not checked/,
    ],
  ])("says so and goes on when %s", async (_what, fakes: Fakes, says) => {
    const { ctx, logger } = context(fakes);
    await checkPlatforms(ctx, [HOST]);
    expect(logger.text()).toMatch(says);
  });

  it("is off with verify-platform: false", async () => {
    const { ctx, reads } = context({ image: [p("linux/amd64")], nodes: { "": [node("aarch64")] } }, false);
    await checkPlatforms(ctx, [HOST]);
    expect(reads).toEqual([]);
  });
});
