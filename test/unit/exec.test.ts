import { describe, expect, it } from "vitest";
import { buildSecretEnvNames } from "../../src/build/build-secrets";
import { cacheEnvNames } from "../../src/build/cache";
import { childEnvironment, execWith } from "../../src/platform/exec";
import { parseConfig } from "./imports";

describe("childEnvironment: what docker and git get", () => {
  const env = {
    PATH: "/usr/bin",
    DOCKER_HOST: "unix:///tmp/d.sock",
    "INPUT_DOKPLOY-API-KEY": "key-1",
    "INPUT_REGISTRY-PASSWORD": "pw-1",
    INPUT_IMAGE: "ghcr.io/acme/web",
    DOKPLOY_API_KEY: "key-2",
    REGISTRY_PASSWORD: "pw-2",
    PULL_PASSWORD: "pw-3",
    CI_REGISTRY_PASSWORD: "job-token\n",
    NPM_TOKEN: "job-token",
  };

  it("drops the action's inputs, the CLI's secret variables and any variable holding a secret", () => {
    expect(childEnvironment(env, ["job-token"])).toEqual({ PATH: "/usr/bin", DOCKER_HOST: "unix:///tmp/d.sock" });
  });

  it("keeps a variable a build secret reads, although it holds a secret", () => {
    expect(childEnvironment(env, ["job-token"], ["NPM_TOKEN"])).toEqual({
      PATH: "/usr/bin",
      DOCKER_HOST: "unix:///tmp/d.sock",
      NPM_TOKEN: "job-token",
    });
  });

  it("gives docker GitHub's runtime token only when the build may use type=gha", () => {
    const github = { PATH: "/usr/bin", ACTIONS_RUNTIME_TOKEN: "rt-1", ACTIONS_CACHE_URL: "https://cache/" };
    const ci = { sha: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c", actionsCache: true };
    const inputs = {
      "dokploy-url": "https://d.example.com",
      "dokploy-api-key": "k",
      "application-id": "a",
      image: "ghcr.io/a/b",
    };
    const kept = (extra: Record<string, string>) =>
      childEnvironment(github, [], cacheEnvNames(parseConfig({ ...inputs, ...extra }, ci))).ACTIONS_RUNTIME_TOKEN;
    expect(kept({})).toBe("rt-1");
    expect(kept({ cache: "off" })).toBeUndefined();
    expect(kept({ "cache-from": "type=registry,ref=ghcr.io/a/b:c" })).toBeUndefined();
    expect(kept({ cache: "off", "cache-to": "type=gha,mode=max" })).toBe("rt-1");
    expect(childEnvironment(github)).toEqual({ PATH: "/usr/bin", ACTIONS_CACHE_URL: "https://cache/" });
  });

  it("is the environment the program runs with, plus what the call adds", async () => {
    const exec = execWith(childEnvironment({ ...env, PATH: process.env.PATH ?? "" }, ["job-token"]));
    const result = await exec("sh", ["-c", "env"], { env: { DOCKER_CONFIG: "/tmp/c" } });
    expect(result.stdout).toContain("DOCKER_CONFIG=/tmp/c");
    expect(result.stdout).toContain("DOCKER_HOST=unix:///tmp/d.sock");
    for (const secret of ["key-1", "key-2", "pw-1", "pw-2", "pw-3", "job-token"])
      expect(result.stdout).not.toContain(secret);
  });
});

describe("buildSecretEnvNames: variables docker keeps for build secrets", () => {
  it("names env=VAR, type=env's source, and a bare id; not files or NAME=value secrets", () => {
    const config = parseConfig(
      {
        "dokploy-url": "https://d.example.com",
        "dokploy-api-key": "k",
        "application-id": "a",
        image: "ghcr.io/acme/web",
        "build-secrets": [
          "id=npm,env=NPM_TOKEN",
          "type=env,id=tok,source=TOKEN",
          "type=env,id=GH_TOKEN",
          "id=bare",
          "id=aws,src=/home/u/.aws/credentials",
          "GIT_AUTH_TOKEN=value",
        ].join("\n"),
      },
      { sha: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c" },
    );
    expect(buildSecretEnvNames(config)).toEqual(["NPM_TOKEN", "TOKEN", "GH_TOKEN", "bare"]);
  });
});
