/**
 * The action on Forgejo and Gitea Actions, with the variables their runners set: told apart
 * from GitHub, no call to an API that is not GitHub's, and github-deployment or pr-comment
 * given as true refused naming the input.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PUBLISHED } from "../../scripts/published";
import { ciContextFromGithub } from "../../src/github/context";
import { checkForgeInputs, forgeNotice, forgeOf } from "../../src/github/forge";
import { githubNative } from "../../src/github/native";
import { forgejoEnv, giteaEnv } from "../support/forge-env";
import { MemoryLogger } from "../support/loggers";
import { ConfigError, INPUTS, type RawInputs, parseConfig } from "./imports";

const SHA = "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c";
const FORGEJO = forgejoEnv("https://code.example.com/");
const GITEA = giteaEnv("https://gitea.example.com");

function config(inputs: RawInputs = {}) {
  return parseConfig(
    {
      "dokploy-url": "https://dokploy.example.com",
      "dokploy-api-key": "key-1",
      "application-id": "app1",
      image: "ghcr.io/acme/web",
      "github-token": "forge-job-token",
      ...inputs,
    },
    { sha: SHA },
  );
}

/** The ConfigError checkForgeInputs throws, or undefined. */
function refusal(inputs: RawInputs, env: Record<string, string>): ConfigError | undefined {
  try {
    checkForgeInputs(config(inputs), forgeOf(env));
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

describe("where the step runs", () => {
  it("is Forgejo with forgejo-runner's variables, Gitea with act_runner's, GitHub otherwise", () => {
    expect(forgeOf(FORGEJO)).toBe("forgejo");
    expect(forgeOf(GITEA)).toBe("gitea");
    expect(forgeOf({ GITHUB_ACTIONS: "true", GITHUB_API_URL: "https://api.github.com" })).toBe("github");
    expect(forgeOf({ GITEA_ACTIONS: "false" })).toBe("github");
  });

  it("says once, on Forgejo and Gitea only, that there is no GitHub deployment and no comment", () => {
    expect(forgeNotice("github")).toBeUndefined();
    expect(forgeNotice("forgejo")).toMatch(/^Forgejo Actions: no GitHub deployment and no pull-request comment/);
    expect(forgeNotice("gitea")).toMatch(/^Gitea Actions: /);
  });
});

describe("the run's links on Forgejo and Gitea", () => {
  it("point at the run's page, which is at its number in the repository, without a doubled slash", async () => {
    const forgejo = await ciContextFromGithub({ ...FORGEJO, GITHUB_SHA: SHA });
    expect(forgejo.repositoryUrl).toBe("https://code.example.com/acme/web");
    expect(forgejo.runUrl).toBe("https://code.example.com/acme/web/actions/runs/148");
    expect((await ciContextFromGithub(GITEA)).runUrl).toBe("https://gitea.example.com/acme/web/actions/runs/148");
    // GitHub's page is at the run's id.
    const github = { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/web" };
    expect((await ciContextFromGithub({ ...github, GITHUB_RUN_ID: "77", GITHUB_RUN_NUMBER: "5" })).runUrl).toBe(
      "https://github.com/acme/web/actions/runs/77",
    );
  });
});

describe("GitHub's API on Forgejo and Gitea", () => {
  it.each([
    ["Forgejo", FORGEJO],
    ["Gitea", GITEA],
  ])("%s: nothing is loaded or called, on a pull request with a token too", (_name, env) => {
    let loaded = 0;
    const load = () => {
      loaded += 1;
      return Promise.reject(new Error("never"));
    };
    const pullRequest = { ...env, GITHUB_EVENT_NAME: "pull_request" };
    expect(githubNative(config(), pullRequest, new MemoryLogger(), load)).toBeUndefined();
    expect(githubNative(config({ "pr-comment": "false" }), pullRequest, new MemoryLogger(), load)).toBeUndefined();
    expect(loaded).toBe(0);
    // The same on GitHub would comment.
    const onGithub = { GITHUB_REPOSITORY: "acme/web", GITHUB_EVENT_NAME: "pull_request" };
    expect(githubNative(config(), onGithub, new MemoryLogger(), load)).toBeDefined();
  });

  it.each([
    ["github-deployment", { "github-deployment": "true" }, FORGEJO, "Forgejo Actions"],
    ["pr-comment", { "pr-comment": "true" }, FORGEJO, "Forgejo Actions"],
    ["github-deployment", { "github-deployment": "true", "pr-comment": "true" }, GITEA, "Gitea Actions"],
  ])("refuses %s given as true, naming it and the forge", (input, inputs, env, forge) => {
    const error = refusal(inputs, env);
    expect(error?.input).toBe(input);
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toContain(`Input "${input}": is true, but this step runs on ${forge}`);
  });

  it("takes them off, or left to their defaults, and takes them on GitHub", () => {
    expect(refusal({ "github-deployment": "false", "pr-comment": "false" }, FORGEJO)).toBeUndefined();
    expect(refusal({}, GITEA)).toBeUndefined();
    expect(refusal({ "github-deployment": "true", "pr-comment": "true" }, { GITHUB_ACTIONS: "true" })).toBeUndefined();
  });
});

const ROOT = resolve(import.meta.dirname, "../..");
const EXAMPLE = "examples/forgejo/.forgejo/workflows/deploy.yml";

describe("the Forgejo/Gitea example and its page", () => {
  it("names the action by URL, gives only inputs that exist, none refused there", async () => {
    const workflow = parse(await readFile(resolve(ROOT, EXAMPLE), "utf8")) as {
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
    };
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    const ours = steps.filter((step) => step.uses === `https://github.com/${PUBLISHED.github}@v1`);
    expect(ours).toHaveLength(1);
    const given = Object.keys(ours[0]?.with ?? {});
    const names = new Set<string>(INPUTS.map((input) => input.name));
    for (const name of given) expect(names.has(name), name).toBe(true);
    expect(given).not.toContain("github-deployment");
    expect(given).not.toContain("pr-comment");
    expect(given).toEqual(expect.arrayContaining(["dokploy-url", "dokploy-api-key", "application-id", "image"]));
  });

  it("shows the example as it is, and says that .gitea/workflows takes the same file", async () => {
    const page = await readFile(resolve(ROOT, "docs/forgejo-gitea.md"), "utf8");
    const example = await readFile(resolve(ROOT, EXAMPLE), "utf8");
    expect(page).toContain(`<!-- example:${EXAMPLE} -->\n\n\`\`\`yaml\n${example}\`\`\``);
    expect(page).toContain("`.gitea/workflows/`");
    expect(page).toContain(forgeNotice("forgejo")?.split(" (")[0]);
  });
});
