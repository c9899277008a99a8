/** The runner image as a Woodpecker or Drone plugin: detection, the commit, settings. */
import { describe, expect, it } from "vitest";
import { detectCi, drone, woodpecker } from "../../src/cli/context";
import { cliVariablesFromEnv, inputsFromEnv } from "../../src/cli/env";
import { droneEnv, pluginEnv, woodpeckerEnv } from "../support/plugin-settings";
import { type Exec, parseConfig } from "./imports";

const SHA = "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c";
const noGit: Exec = () => Promise.resolve({ exitCode: 128, stdout: "", stderr: "not a git repository" });

describe("Woodpecker and Drone", () => {
  it.each([
    [woodpeckerEnv(), "woodpecker"],
    [droneEnv(), "drone"],
    // Woodpecker sets CI_COMMIT_SHA and CI_PIPELINE_URL as GitLab does, but not GITLAB_CI.
    [{ ...woodpeckerEnv(), CI_PIPELINE_URL: "https://ci.example.com/x" }, "woodpecker"],
    // Early Woodpecker also set Drone's variables: still Woodpecker.
    [{ ...droneEnv(), ...woodpeckerEnv() }, "woodpecker"],
    [{ CI: "true", DRONE_COMMIT_SHA: SHA }, "local"],
  ])("detects %#", (env, name) => {
    expect(detectCi(env).name).toBe(name);
  });

  it("reads Woodpecker's commit, repository and the step's URL", async () => {
    expect(await woodpecker.context(woodpeckerEnv(), noGit)).toEqual({
      sha: SHA,
      repository: "acme/web",
      repositoryUrl: "https://codeberg.org/acme/web",
      runUrl: "https://ci.example.com/repos/7/pipeline/8/2",
      commitMessage: "Add the pricing page",
    });
    const { CI_STEP_URL: _step, ...older } = woodpeckerEnv();
    expect((await woodpecker.context(older, noGit)).runUrl).toBe("https://ci.example.com/repos/7/pipeline/8");
    expect(woodpecker.plugin).toBe(true);
  });

  it("reads Drone's commit, repository and build link", async () => {
    expect(await drone.context(droneEnv(), noGit)).toEqual({
      sha: SHA,
      repository: "acme/web",
      repositoryUrl: "https://github.com/acme/web",
      runUrl: "https://drone.example.com/acme/web/42",
      commitMessage: "Add the pricing page",
    });
    expect(drone.plugin).toBe(true);
  });

  it("reads each setting from PLUGIN_<NAME>, which wins over <NAME>; an empty one counts as not set", () => {
    const env = {
      ...pluginEnv({ image: "acme/web", wait_timeout: "5m", extra_tags: ["latest", "v2"], tag: "" }),
      IMAGE: "shadow/image",
      TAG: "from-the-variable",
      DOKPLOY_URL: "https://d.example.com",
    };
    const raw = inputsFromEnv(env);
    expect(raw.image).toBe("acme/web");
    expect(raw["wait-timeout"]).toBe("5m");
    expect(raw["extra-tags"]).toBe("latest,v2");
    expect(raw.tag).toBe("from-the-variable");
    expect(raw["dokploy-url"]).toBe("https://d.example.com");
    expect(cliVariablesFromEnv({ PLUGIN_OUTPUT_FILE: "a.env", OUTPUT_FILE: "b.env", DEBUG: "true" })).toEqual({
      OUTPUT_FILE: "a.env",
      DEBUG: "true",
    });
  });

  it("never reads PLUGIN_<NAME> with --env-prefix (the GitLab component)", () => {
    const raw = inputsFromEnv({ PLUGIN_IMAGE: "plugin/image", X_IMAGE: "acme/web" }, {}, "X_");
    expect(raw.image).toBe("acme/web");
    expect(inputsFromEnv({ PLUGIN_IMAGE: "plugin/image" }, {}, "X_").image).toBeUndefined();
  });

  it("a plugin's settings make the same config as the pipe's variables", async () => {
    const settings = { dokploy_url: "https://d.example.com", dokploy_api_key: "k", application_id: "app" };
    const variables = { DOKPLOY_URL: "https://d.example.com", DOKPLOY_API_KEY: "k", APPLICATION_ID: "app" };
    const fromPlugin = parseConfig(
      inputsFromEnv({ ...woodpeckerEnv(), ...pluginEnv({ ...settings, image: "acme/web" }) }),
      await woodpecker.context(woodpeckerEnv(), noGit),
    );
    const fromVariables = parseConfig(
      inputsFromEnv({ ...woodpeckerEnv(), ...variables, IMAGE: "acme/web" }),
      await woodpecker.context(woodpeckerEnv(), noGit),
    );
    expect(fromPlugin).toEqual(fromVariables);
    expect(fromPlugin.tag).toBe(SHA);
    expect(fromPlugin.deployDescription).toContain("https://ci.example.com/repos/7/pipeline/8/2");
  });
});
