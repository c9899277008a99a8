/** The runner image as a Woodpecker or Drone plugin: detection, the commit, settings, examples. */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PLUGIN_IMAGE, neededToDeploy } from "../../scripts/docs";
import { detectCi, drone, woodpecker } from "../../src/cli/context";
import { CLI_VARIABLES, cliVariablesFromEnv, envName, inputsFromEnv } from "../../src/cli/env";
import { droneEnv, pluginEnv, woodpeckerEnv } from "../support/plugin-settings";
import { type Exec, type InputSpec, PORTABLE_INPUTS, parseConfig } from "./imports";

const SHA = "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c";
const noGit: Exec = () => Promise.resolve({ exitCode: 128, stdout: "", stderr: "not a git repository" });
const root = resolve(import.meta.dirname, "../..");

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

interface PluginStep {
  name: string;
  image: string;
  settings?: Record<string, unknown>;
  volumes?: unknown[];
}

const EXAMPLES: [string, string, () => Record<string, string>][] = [
  ["examples/woodpecker/.woodpecker.yml", "woodpecker", woodpeckerEnv],
  ["examples/drone/.drone.yml", "drone", droneEnv],
];

const KNOWN = new Set<string>([...PORTABLE_INPUTS.map((i) => envName(i.name)), ...CLI_VARIABLES.map((v) => v.name)]);
const byVariable = new Map<string, InputSpec>(PORTABLE_INPUTS.map((i) => [envName(i.name), i]));

describe.each(EXAMPLES)("%s", (path, ci, ciEnv) => {
  const load = async () => {
    const steps = (parse(await readFile(resolve(root, path), "utf8")) as { steps: PluginStep[] }).steps;
    const plugin = steps.filter((s) => s.image === PLUGIN_IMAGE);
    expect(plugin).toHaveLength(1);
    return plugin[0]!;
  };

  it("runs the runner image as a plugin, with settings that exist, secrets only from_secret", async () => {
    const step = await load();
    const names = Object.keys(step.settings ?? {}).map((k) => k.replace(/-/g, "_").toUpperCase());
    expect(names.filter((n) => !KNOWN.has(n))).toEqual([]);
    for (const input of PORTABLE_INPUTS.filter(neededToDeploy)) expect(names).toContain(envName(input.name));
    for (const [key, value] of Object.entries(step.settings ?? {})) {
      const input = byVariable.get(key.toUpperCase());
      if (input?.secret) expect(value, key).toEqual({ from_secret: expect.any(String) });
    }
    expect(JSON.stringify(step.volumes)).toContain("/var/run/docker.sock");
  });

  it("docs/woodpecker-drone.md shows it whole, as the file is", async () => {
    const doc = await readFile(resolve(root, "docs/woodpecker-drone.md"), "utf8");
    expect(doc).toContain(`(../${path})`);
    expect(doc).toContain(`\`\`\`yaml\n${await readFile(resolve(root, path), "utf8")}\`\`\`\n`);
  });

  it("its settings, as the CI passes them, parse into a config that deploys", async () => {
    const step = await load();
    const secrets = new Proxy({}, { get: (_t, name) => `secret-${String(name)}` }) as Record<string, string>;
    const env = { ...ciEnv(), ...pluginEnv(step.settings ?? {}, secrets) };
    const provider = detectCi(env);
    expect(provider.name).toBe(ci);
    const config = parseConfig(inputsFromEnv(env, provider.defaults(env)), await provider.context(env, noGit));
    expect(config.deploy).toBe(true);
    expect(config.tag).toBe(SHA);
    expect(config.push?.password).toBe("secret-dockerhub_token");
    expect(cliVariablesFromEnv(env).OUTPUT_FILE).toBe("dokploy.env");
    // A list arrives joined with commas: each list in the example means what it would one per line.
    const lines = Object.fromEntries(
      Object.entries(step.settings ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join("\n") : v]),
    );
    const perLine = { ...ciEnv(), ...pluginEnv(lines, secrets) };
    expect(parseConfig(inputsFromEnv(perLine), await provider.context(perLine, noGit))).toEqual(config);
  });
});
