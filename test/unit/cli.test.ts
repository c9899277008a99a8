import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import packageJson from "../../package.json";
import { USAGE, UsageError, parseArgs } from "../../src/cli/args";
import { bitbucket, detectCi, github, gitlab, local, webUrlOfRemote } from "../../src/cli/context";
import { envName, helpText, inputsFromEnv } from "../../src/cli/env";
import { gitlabLogger, plainLogger } from "../../src/cli/log";
import { INPUTS, type Exec, PORTABLE_INPUTS, parseConfig } from "./imports";

const SHA = "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c";
const noGit: Exec = () => Promise.resolve({ exitCode: 128, stdout: "", stderr: "not a git repository" });

const GITLAB_ENV = {
  GITLAB_CI: "true",
  CI: "true",
  CI_COMMIT_SHA: SHA,
  CI_COMMIT_MESSAGE: "Add the pricing page\n\nbody",
  CI_PROJECT_PATH: "acme/web",
  CI_PROJECT_URL: "https://gitlab.example.com/acme/web",
  CI_JOB_URL: "https://gitlab.example.com/acme/web/-/jobs/99",
  CI_PIPELINE_URL: "https://gitlab.example.com/acme/web/-/pipelines/12",
  CI_REGISTRY_IMAGE: "registry.gitlab.example.com/acme/web",
  CI_REGISTRY_USER: "gitlab-ci-token",
  CI_REGISTRY_PASSWORD: "job-token-123",
  CI_DEPLOY_USER: "gitlab+deploy-token-1",
  CI_DEPLOY_PASSWORD: "deploy-token-456",
};

const BITBUCKET_ENV = {
  CI: "true",
  BITBUCKET_COMMIT: SHA,
  BITBUCKET_BUILD_NUMBER: "17",
  BITBUCKET_REPO_FULL_NAME: "acme/web",
  BITBUCKET_GIT_HTTP_ORIGIN: "http://bitbucket.org/acme/web",
  BITBUCKET_CLONE_DIR: "/opt/atlassian/pipelines/agent/build",
};

describe("environment variables", () => {
  it("names each input in UPPER_SNAKE", () => {
    expect(envName("dokploy-url")).toBe("DOKPLOY_URL");
    expect(envName("registry-password")).toBe("REGISTRY_PASSWORD");
    expect(envName("wait-timeout")).toBe("WAIT_TIMEOUT");
  });

  it("reads every input from its variable, with CI defaults only where unset", () => {
    const raw = inputsFromEnv(
      { DOKPLOY_URL: "https://d.example.com", WAIT_TIMEOUT: "5m", IMAGE: "", REGISTRY_USERNAME: "me" },
      { image: "registry.example.com/x", "registry-username": "ci" },
    );
    expect(raw["dokploy-url"]).toBe("https://d.example.com");
    expect(raw["wait-timeout"]).toBe("5m");
    expect(raw.image).toBe("registry.example.com/x");
    expect(raw["registry-username"]).toBe("me");
    expect(Object.keys(raw)).toEqual(PORTABLE_INPUTS.map((i) => i.name));
  });

  it("never reads the GitHub Action's own inputs: ENVIRONMENT or GITHUB_TOKEN mean something else there", () => {
    const raw = inputsFromEnv({
      ENVIRONMENT: "not a url",
      ENVIRONMENT_URL: "nope",
      GITHUB_TOKEN: "t",
      PR_COMMENT: "x",
    });
    for (const name of ["environment", "environment-url", "github-token", "pr-comment", "github-deployment"]) {
      expect(raw).not.toHaveProperty(name);
    }
    expect(INPUTS.filter((i) => "githubOnly" in i).map((i) => i.name)).toEqual([
      "github-deployment",
      "github-token",
      "environment",
      "environment-url",
      "pr-comment",
    ]);
  });

  it("reads only <prefix>NAME with a prefix, so variables named like the inputs do not count", () => {
    const raw = inputsFromEnv(
      { IMAGE: "shadow/image", TAG: "shadow", DOKPLOY_DEPLOY_INPUT_IMAGE: "acme/web", DOKPLOY_DEPLOY_INPUT_TAG: "" },
      { image: "from-ci/default" },
      "DOKPLOY_DEPLOY_INPUT_",
    );
    expect(raw.image).toBe("acme/web");
    expect(raw.tag).toBeUndefined();
  });

  it("--help starts with the usage and lists every variable, with defaults named as variables", () => {
    const help = helpText();
    expect(help.startsWith(`${USAGE}\n`)).toBe(true);
    for (const input of PORTABLE_INPUTS) expect(help).toContain(`  ${envName(input.name)} `);
    expect(help).not.toContain("GITHUB_TOKEN");
    expect(help).toMatch(/PULL_USERNAME +default: REGISTRY_USERNAME\n/);
    expect(help).toMatch(
      /WAIT_TIMEOUT +default: 600\n +How long to wait for the deployment, in seconds \(or with a unit: 90s, 10m, 1h\)\./,
    );
    for (const input of INPUTS.filter((i) => i.name.includes("-"))) {
      expect(help).not.toMatch(new RegExp(`(?<![\\w-])${input.name}(?![\\w-])`));
    }
    expect(help).toContain("Exit codes: 0 deployed, 1");
  });
});

describe("command line", () => {
  it.each<[string[], ReturnType<typeof parseArgs>]>([
    [[], { action: "deploy", envPrefix: "", outputFile: undefined }],
    [["--help"], { action: "help", envPrefix: "", outputFile: undefined }],
    [["-h", "--version"], { action: "help", envPrefix: "", outputFile: undefined }],
    [["-V"], { action: "version", envPrefix: "", outputFile: undefined }],
    [["--env-prefix", "X_", "--output-file=out.env"], { action: "deploy", envPrefix: "X_", outputFile: "out.env" }],
    [
      ["--env-prefix=DOKPLOY_DEPLOY_INPUT_"],
      { action: "deploy", envPrefix: "DOKPLOY_DEPLOY_INPUT_", outputFile: undefined },
    ],
  ])("parses %j", (argv, expected) => {
    expect(parseArgs(argv)).toEqual(expected);
  });

  it.each([
    [["--verbose"], 'unknown argument "--verbose"'],
    [["deploy"], 'unknown argument "deploy"'],
    [["--env-prefix"], "--env-prefix needs a value"],
    [["--env-prefix", "lower_"], '--env-prefix "lower_" is not a variable prefix; expected capitals, digits and _'],
    [["--output-file="], "--output-file needs a value"],
  ])("rejects %j with the usage (exit 2)", (argv, message) => {
    const error = (() => {
      try {
        parseArgs(argv);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).message).toBe(`${message}\n${USAGE}`);
  });

  it("the bundled CLI answers --version, and exits 2 on an unknown argument before reading anything", () => {
    const cli = resolve(import.meta.dirname, "../../dist/cli/index.js");
    const version = spawnSync(process.execPath, [cli, "--version"], { encoding: "utf8", env: {} });
    expect(version.stdout).toBe(`dokploy-deploy ${packageJson.version}\n`);
    expect(version.status).toBe(0);
    const unknown = spawnSync(process.execPath, [cli, "--dry-run"], { encoding: "utf8", env: {} });
    expect(unknown.status).toBe(2);
    expect(unknown.stdout).toBe(`✖ unknown argument "--dry-run"\n${USAGE}\n`);
  });
});

describe("CI detection", () => {
  it.each([
    [GITLAB_ENV, "gitlab"],
    [BITBUCKET_ENV, "bitbucket"],
    [{ GITHUB_ACTIONS: "true", GITHUB_SHA: SHA }, "github"],
    [{ GITLAB_CI: "false", CI_COMMIT_SHA: SHA }, "gitlab"],
    [{ HOME: "/home/me" }, "local"],
  ])("detects %#", (env, name) => {
    expect(detectCi(env).name).toBe(name);
  });

  it("reads GitLab's predefined variables, and its registry and deploy token as defaults", async () => {
    expect(await gitlab.context(GITLAB_ENV, noGit)).toEqual({
      sha: SHA,
      repository: "acme/web",
      repositoryUrl: "https://gitlab.example.com/acme/web",
      runUrl: "https://gitlab.example.com/acme/web/-/jobs/99",
      commitMessage: "Add the pricing page\n\nbody",
    });
    const config = parseConfig(
      inputsFromEnv(
        { ...GITLAB_ENV, DOKPLOY_URL: "https://d.example.com", DOKPLOY_API_KEY: "k", APPLICATION_ID: "app" },
        gitlab.defaults(GITLAB_ENV),
      ),
      await gitlab.context(GITLAB_ENV, noGit),
    );
    expect(config.image.name).toBe("registry.gitlab.example.com/acme/web");
    expect(config.push).toEqual({ username: "gitlab-ci-token", password: "job-token-123" });
    expect(config.pull).toEqual({ username: "gitlab+deploy-token-1", password: "deploy-token-456" });
    expect(config.tag).toBe(SHA);
    expect(config.deployDescription).toContain("https://gitlab.example.com/acme/web/-/jobs/99");
  });

  it("says a merge request comes from a fork when its source project is not the merge request's project", async () => {
    const mr = { ...GITLAB_ENV, CI_MERGE_REQUEST_IID: "8", CI_MERGE_REQUEST_PROJECT_PATH: "acme/web" };
    const fork = { ...mr, CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: "someone/web" };
    expect((await gitlab.context(fork, noGit)).pullRequest).toEqual({
      number: "8",
      closed: false,
      fromFork: "someone/web",
    });
    const own = { ...mr, CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: "Acme/Web" };
    expect((await gitlab.context(own, noGit)).pullRequest).toEqual({ number: "8", closed: false });
  });

  it("ends a preview of a fork's merge request without an API key with one line and exit 0, before anything", () => {
    const cli = resolve(import.meta.dirname, "../../dist/cli/index.js");
    const fork = {
      ...GITLAB_ENV,
      CI_MERGE_REQUEST_IID: "8",
      CI_MERGE_REQUEST_PROJECT_PATH: "acme/web",
      CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: "someone/web",
      DOKPLOY_URL: "https://d.example.com",
      APPLICATION_ID: "app",
      PREVIEW: "open",
      // Nothing may be asked of an engine: this one is not there.
      DOCKER_HOST: "unix:///nonexistent/docker.sock",
    };
    const skipped = spawnSync(process.execPath, [cli], { encoding: "utf8", env: fork });
    expect(skipped.status, skipped.stdout + skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain(
      "No preview for merge request 8: it comes from someone/web, and GitLab runs the pipeline of a merge request from a fork in the fork's project",
    );
    expect(skipped.stdout).not.toMatch(/docker|✔|✖/);
    // From the project itself, an empty key is the input error it always is.
    const own = spawnSync(process.execPath, [cli], {
      encoding: "utf8",
      env: { ...fork, CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: "acme/web" },
    });
    expect(own.status).toBe(2);
    expect(own.stdout).toContain("DOKPLOY_API_KEY: is required");
  });

  it("reads Bitbucket's variables, with the pipeline's URL", async () => {
    expect(await bitbucket.context(BITBUCKET_ENV, noGit)).toEqual({
      sha: SHA,
      repository: "acme/web",
      repositoryUrl: "https://bitbucket.org/acme/web",
      runUrl: "https://bitbucket.org/acme/web/pipelines/results/17",
    });
    expect(bitbucket.defaults(BITBUCKET_ENV)).toEqual({});
  });

  it("reads GitHub's variables when the CLI runs there", async () => {
    expect(
      await github.context(
        { GITHUB_ACTIONS: "true", GITHUB_SHA: SHA, GITHUB_REPOSITORY: "acme/web", GITHUB_RUN_ID: "5" },
        noGit,
      ),
    ).toMatchObject({ sha: SHA, runUrl: "https://github.com/acme/web/actions/runs/5" });
  });

  it("asks git in a plain shell", async () => {
    const answers: Record<string, string> = {
      "rev-parse HEAD": `${SHA}\n`,
      "remote get-url origin": "git@github.com:acme/web.git\n",
      "log -1 --format=%B": "Local change\n",
    };
    const git: Exec = (file, args) =>
      Promise.resolve({
        exitCode: file === "git" && answers[args.join(" ")] ? 0 : 1,
        stdout: answers[args.join(" ")] ?? "",
        stderr: "",
      });
    expect(await local.context({}, git)).toEqual({
      sha: SHA,
      repositoryUrl: "https://github.com/acme/web",
      commitMessage: "Local change",
    });
    expect(await local.context({}, noGit)).toEqual({ sha: "", repositoryUrl: undefined, commitMessage: undefined });
  });

  it.each([
    ["git@github.com:acme/web.git", "https://github.com/acme/web"],
    ["https://user:token@gitlab.com/acme/web.git", "https://gitlab.com/acme/web"],
    ["https://bitbucket.org/acme/web", "https://bitbucket.org/acme/web"],
  ])("web URL of remote %s", (remote, url) => {
    expect(webUrlOfRemote(remote)).toBe(url);
  });
});

describe("CI loggers", () => {
  it("uses GitLab's collapsible sections and hides debug lines unless asked", async () => {
    const lines: string[] = [];
    const logger = gitlabLogger(
      (l) => lines.push(l),
      false,
      () => 1_700_000_000_000,
    );
    await logger.group("Build and push", () => {
      logger.info("step");
      logger.debug("hidden");
      return Promise.resolve();
    });
    expect(lines).toEqual([
      "\u001b[0Ksection_start:1700000000:dokploy_deploy_1_build_and_push\r\u001b[0K\u001b[1;36mBuild and push\u001b[0m",
      "step",
      "\u001b[0Ksection_end:1700000000:dokploy_deploy_1_build_and_push\r\u001b[0K",
    ]);
    expect(lines.join("\n")).not.toContain("::");
  });

  it("prints ✖ for errors and honours DEBUG in the plain logger", () => {
    const lines: string[] = [];
    plainLogger((l) => lines.push(l), true).error("it broke");
    plainLogger((l) => lines.push(l), true).debug("details");
    plainLogger((l) => lines.push(l), false).debug("quiet");
    expect(lines).toEqual(["✖ it broke", "DEBUG: details"]);
  });
});
