import { lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDockerConfigs } from "../../src/platform/docker-config";
import { isolatedDockerConfig } from "./imports";

describe("isolatedDockerConfig", () => {
  it("drops the credential store and any login or helper for our registry, keeps the rest", () => {
    const user = {
      auths: { "ghcr.io": { auth: "old" }, "https://index.docker.io/v1/": { auth: "hub" }, "quay.io": { auth: "q" } },
      credHelpers: { "ghcr.io": "gh", "123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login" },
      credsStore: "desktop",
      currentContext: "builder-ctx",
      proxies: { default: { httpProxy: "http://proxy:3128" } },
    };
    expect(isolatedDockerConfig(user, "ghcr.io")).toEqual({
      auths: { "https://index.docker.io/v1/": { auth: "hub" }, "quay.io": { auth: "q" } },
      credHelpers: { "123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login" },
      currentContext: "builder-ctx",
      proxies: { default: { httpProxy: "http://proxy:3128" } },
    });
    expect(isolatedDockerConfig(user, "docker.io").auths).toEqual({
      "ghcr.io": { auth: "old" },
      "quay.io": { auth: "q" },
    });
  });

  it("keeps the user's login, helper and store for our registry when it does not log in itself", () => {
    const user = {
      auths: { "ghcr.io": { auth: "old" } },
      credHelpers: { "ghcr.io": "gcloud" },
      credsStore: "desktop",
      currentContext: "builder-ctx",
    };
    expect(isolatedDockerConfig(user, "ghcr.io", true)).toEqual(user);
  });

  it("starts empty without a user config", () => {
    expect(isolatedDockerConfig(undefined, "ghcr.io")).toEqual({});
    expect(isolatedDockerConfig("not json object", "ghcr.io")).toEqual({});
  });
});

describe("tempDockerConfigs", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it("makes a private dir from the user's config, copies buildx state, links plugins, and removes it all", async () => {
    const user = await mkdtemp(join(tmpdir(), "user-docker-"));
    const temp = await mkdtemp(join(tmpdir(), "runner-temp-"));
    dirs.push(user, temp);
    const userConfig = JSON.stringify({
      credsStore: "desktop",
      auths: { "ghcr.io": { auth: "x" } },
      aliases: { builder: "buildx" },
    });
    await writeFile(join(user, "config.json"), userConfig);
    await mkdir(join(user, "buildx", "instances"), { recursive: true });
    await writeFile(join(user, "buildx", "current"), '{"Key":"unix:///var/run/docker.sock","Name":"builder-1"}');
    await mkdir(join(user, "cli-plugins"));

    const config = await tempDockerConfigs(user, temp)("ghcr.io");
    expect((await stat(config.dir)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(join(config.dir, "config.json"), "utf8"))).toEqual({
      auths: {},
      aliases: { builder: "buildx" },
    });
    expect((await stat(join(config.dir, "config.json"))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(config.dir, "buildx", "current"), "utf8")).toContain("builder-1");
    expect((await lstat(join(config.dir, "buildx"))).isSymbolicLink()).toBe(false);
    expect(await readlink(join(config.dir, "cli-plugins"))).toBe(join(user, "cli-plugins"));
    expect(await config.readFile("missing")).toBeUndefined();

    await config.remove();
    await expect(stat(config.dir)).rejects.toThrow();
    // The user's files are untouched, linked plugins included.
    expect(await readFile(join(user, "config.json"), "utf8")).toBe(userConfig);
    expect((await stat(join(user, "cli-plugins"))).isDirectory()).toBe(true);
  });
});
