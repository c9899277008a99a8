import { describe, expect, it } from "vitest";
import {
  CacheImportWatch,
  type CiContext,
  type RawInputs,
  autoCacheWanted,
  buildArgv,
  buildxCacheFlags,
  cacheEnvNames,
  cacheImages,
  parseConfig,
  registryOfReference,
  takesIgnoreError,
  unreadableSources,
} from "./imports";
import { BASE_INPUTS as base, UNIT_CI as ci } from "../support/fixtures";

const config = (inputs: RawInputs = {}, context: CiContext = ci) => parseConfig({ ...base, ...inputs }, context);
const RUNNING = "ghcr.io/acme/web:0a1b2c3";

describe("cache: auto", () => {
  it("is the default, and steps aside for cache: off, cache-from, cache-to and build: false", () => {
    expect(config().cache).toBe("auto");
    expect(autoCacheWanted(config())).toBe(true);
    expect(autoCacheWanted(config({ cache: "off" }))).toBe(false);
    expect(autoCacheWanted(config({ "cache-from": "type=registry,ref=ghcr.io/acme/web:cache" }))).toBe(false);
    expect(autoCacheWanted(config({ "cache-to": "type=inline" }))).toBe(false);
    expect(autoCacheWanted(config({ build: "false" }))).toBe(false);
  });

  it("rejects a cache mode it does not know, naming the input", () => {
    expect(() => config({ cache: "max" })).toThrow(/Input "cache": "max" is not one of auto, off/);
  });

  it("reads from the images the targets run when they are in the registry pushed to, and from the extra tags", () => {
    const withTags = config({ "extra-tags": "latest,stable" });
    expect(cacheImages(withTags, [RUNNING])).toEqual([RUNNING, "ghcr.io/acme/web:latest", "ghcr.io/acme/web:stable"]);
    expect(cacheImages(config(), [])).toEqual([]);
    // Another registry may need credentials this run does not have.
    expect(cacheImages(config(), ["registry.example.com/acme/web:1"])).toEqual([]);
    expect(cacheImages(config(), ["acme/web:1"])).toEqual([]);
    expect(cacheImages(config(), ["ghcr.io/other/app:1"])).toEqual(["ghcr.io/other/app:1"]);
    const pinned = `ghcr.io/acme/web:0a1b2c3@sha256:${"e".repeat(64)}`;
    expect(cacheImages(config(), [pinned])).toEqual([pinned]);
    // Several targets: each image they run, once, when in the registry.
    expect(cacheImages(config(), [RUNNING, "registry.example.com/acme/web:1", RUNNING])).toEqual([RUNNING]);
    expect(cacheImages(config({ "extra-tags": "latest" }), ["ghcr.io/acme/web:latest"])).toEqual([
      "ghcr.io/acme/web:latest",
    ]);
  });

  it("never takes a running image that could add attributes to a cache spec or is not a reference", () => {
    for (const hostile of [
      "ghcr.io/acme/web:1,type=local,dest=/etc",
      "ghcr.io/acme/web:1 --push",
      "ghcr.io/acme/WEB:1",
      "ghcr.io/acme/web:1\nx",
      "",
    ]) {
      expect(cacheImages(config(), [hostile])).toEqual([]);
    }
  });

  it("knows the registry of a reference as docker does", () => {
    expect(registryOfReference("ghcr.io/acme/web:1")).toBe("ghcr.io");
    expect(registryOfReference("127.0.0.1:5000/a/b")).toBe("127.0.0.1:5000");
    expect(registryOfReference("localhost/a")).toBe("localhost");
    expect(registryOfReference("nginx:1")).toBe("docker.io");
    expect(registryOfReference("acme/web:1")).toBe("docker.io");
    expect(registryOfReference("index.docker.io/acme/web")).toBe("docker.io");
  });

  it.each<[string, "docker" | "buildkit", { gha: boolean; ignoreError: boolean; write: boolean }, string[], string[]]>([
    [
      "docker driver: inline metadata, registry sources",
      "docker",
      { gha: false, ignoreError: false, write: true },
      [`type=registry,ref=${RUNNING}`],
      ["type=inline"],
    ],
    [
      "BuildKit builder: <image>:buildcache with every stage, a failed export ignored",
      "buildkit",
      { gha: false, ignoreError: true, write: true },
      ["type=registry,ref=ghcr.io/acme/web:buildcache", `type=registry,ref=${RUNNING}`],
      ["type=registry,ref=ghcr.io/acme/web:buildcache,mode=max,ignore-error=true"],
    ],
    [
      "BuildKit builder older than v0.11: no ignore-error",
      "buildkit",
      { gha: false, ignoreError: false, write: true },
      ["type=registry,ref=ghcr.io/acme/web:buildcache", `type=registry,ref=${RUNNING}`],
      ["type=registry,ref=ghcr.io/acme/web:buildcache,mode=max"],
    ],
    [
      "BuildKit builder on GitHub with the cache service: type=gha",
      "buildkit",
      { gha: true, ignoreError: true, write: true },
      ["type=gha", `type=registry,ref=${RUNNING}`],
      ["type=gha,mode=max,ignore-error=true"],
    ],
    [
      "BuildKit builder with push: false: reads, writes nothing",
      "buildkit",
      { gha: false, ignoreError: true, write: false },
      ["type=registry,ref=ghcr.io/acme/web:buildcache", `type=registry,ref=${RUNNING}`],
      [],
    ],
  ])("%s", (_case, builder, options, from, to) => {
    expect(buildxCacheFlags(config(), builder, [RUNNING], options)).toEqual({ from, to });
  });

  it("takes ignore-error from BuildKit v0.11 on", () => {
    expect(takesIgnoreError("v0.24.0")).toBe(true);
    expect(takesIgnoreError("v0.11.0")).toBe(true);
    expect(takesIgnoreError("v0.10.6")).toBe(false);
    expect(takesIgnoreError("v0.8+unknown")).toBe(false);
    expect(takesIgnoreError(undefined)).toBe(false);
  });

  it("keeps GitHub's runtime token for docker only when the build may use type=gha", () => {
    const github = { ...ci, actionsCache: true };
    expect(cacheEnvNames(config({}, github))).toEqual(["ACTIONS_RUNTIME_TOKEN"]);
    expect(cacheEnvNames(config())).toEqual([]);
    expect(cacheEnvNames(config({ cache: "off" }, github))).toEqual([]);
    expect(cacheEnvNames(config({ "cache-from": "type=registry,ref=ghcr.io/a/b:c" }, github))).toEqual([]);
    expect(cacheEnvNames(config({ "cache-from": "type=gha,scope=web" }))).toEqual(["ACTIONS_RUNTIME_TOKEN"]);
    expect(cacheEnvNames(config({ "cache-to": "mode=max, type=gha" }))).toEqual(["ACTIONS_RUNTIME_TOKEN"]);
  });
});

describe("the build's argv with cache flags", () => {
  const options = { outDir: "/t", created: new Date(0), labelledDockerfile: "/t/Dockerfile.labelled" };

  it("gives the classic builder the pulled images as --cache-from", () => {
    const argv = buildArgv(config(), { ...options, buildx: false, cache: { from: [RUNNING], to: [] } });
    expect(argv.slice(argv.indexOf("--cache-from"), argv.indexOf("--cache-from") + 2)).toEqual([
      "--cache-from",
      RUNNING,
    ]);
  });

  it("gives buildx the chosen sources and destinations", () => {
    const argv = buildArgv(config(), {
      ...options,
      buildx: true,
      cache: { from: [`type=registry,ref=${RUNNING}`], to: ["type=inline"] },
    });
    expect(argv.join(" ")).toContain(`--cache-from type=registry,ref=${RUNNING} --cache-to type=inline`);
  });

  it("passes the inputs' cache-from and cache-to exactly as given, and nothing else", () => {
    const given = config({ "cache-from": "type=registry,ref=ghcr.io/acme/web:mine", "cache-to": "type=inline" });
    const argv = buildArgv(given, { ...options, buildx: true });
    const flags = argv.flatMap((a, i) => (a === "--cache-from" || a === "--cache-to" ? [a, argv[i + 1]] : []));
    expect(flags).toEqual(["--cache-from", "type=registry,ref=ghcr.io/acme/web:mine", "--cache-to", "type=inline"]);
  });
});

describe("cache sources BuildKit could not read", () => {
  it("are found in its progress output and named once", () => {
    const watch = new CacheImportWatch();
    for (const line of [
      "#5 importing cache manifest from ghcr.io/acme/web:buildcache",
      "#6 importing cache manifest from ghcr.io/acme/web:0a1b2c3",
      // As BuildKit v0.24 says it (v0.8, in dockerd 20.10, without "failed to configure ...: ").
      "#5 ERROR: failed to configure registry cache importer: ghcr.io/acme/web:buildcache: not found",
      "#6 DONE 0.1s",
      "#7 [1/2] FROM ghcr.io/acme/base",
      "#7 ERROR: failed to copy",
      "#5 ERROR: again",
    ]) {
      watch.line(line);
    }
    const why = "failed to configure registry cache importer: ghcr.io/acme/web:buildcache: not found";
    expect([...watch.failed]).toEqual([["ghcr.io/acme/web:buildcache", why]]);
    expect(unreadableSources(watch.failed)).toBe(
      `Build cache: could not read ghcr.io/acme/web:buildcache (${why}); the build does without it.`,
    );
    expect(unreadableSources(new Map())).toBeUndefined();
  });
});
