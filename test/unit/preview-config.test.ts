import { describe, expect, it } from "vitest";
import { detectCi } from "../../src/cli/context";
import { type CiContext, ConfigError, type RawInputs, parseConfig, secretsOf } from "./imports";

const ci: CiContext = {
  sha: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c",
  repository: "acme/web",
  pullRequest: { number: "42", closed: false },
};
const noPullRequest: CiContext = { sha: ci.sha, repository: "acme/web" };

const valid: RawInputs = {
  "dokploy-url": "https://dokploy.example.com/",
  "dokploy-api-key": "key-123",
  "application-id": "UuH3SNuDvHGux046xpNIw",
  image: "ghcr.io/acme/web",
  preview: "open",
};

function parse(overrides: RawInputs = {}, context: CiContext = ci) {
  return parseConfig({ ...valid, ...overrides }, context);
}

/** Every problem of the inputs, as [input, message]. */
function problems(overrides: RawInputs, context: CiContext = ci): string {
  try {
    parse(overrides, context);
  } catch (error) {
    if (error instanceof ConfigError) return `${error.input}: ${error.message.replace(/^Input "[^"]+": /, "")}`;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("preview inputs", () => {
  it("are off by default", () => {
    const config = parse({ preview: "" });
    expect(config.preview).toBeUndefined();
    expect(config.github.environment).toBe("production");
  });

  it("open: the pull request of the CI, the defaults, and the GitHub environment preview/pr-<n>", () => {
    const config = parse();
    expect(config.preview).toEqual({
      mode: "open",
      number: "42",
      name: "pr-42",
      template: "target",
      host: undefined,
      env: [],
      ttlSeconds: 7 * 86_400,
      limit: 10,
    });
    expect(config.github.environment).toBe("preview/pr-42");
    expect(config.build).toBe(true);
  });

  it("fills {number} in preview-name, preview-host and environment", () => {
    const config = parse({
      "preview-number": "7",
      "preview-name": "review-{number}",
      "preview-host": "PR-{number}.preview.example.com",
      environment: "review/{number}",
    });
    expect(config.preview).toMatchObject({ number: "7", name: "review-7", host: "pr-7.preview.example.com" });
    expect(config.github.environment).toBe("review/7");
  });

  it("names the GitHub environment after preview-name when environment is not given", () => {
    expect(parse({ "preview-name": "review-{number}" }).github.environment).toBe("preview/review-42");
    expect(parse({ preview: "close", "preview-name": "review-{number}" }).github.environment).toBe("preview/review-42");
  });

  it("fills {number} in health-url and environment-url, credentials kept apart", () => {
    const config = parse({
      "preview-number": "7",
      "health-url": "https://probe:s3cret@pr-{number}.preview.example.com/health/{number}",
      "environment-url": "https://pr-{number}.preview.example.com/",
    });
    expect(config.health?.url).toBe("https://pr-7.preview.example.com/health/7");
    expect(config.health?.credentials).toEqual({ username: "probe", password: "s3cret" });
    expect(config.github.environmentUrl).toBe("https://pr-7.preview.example.com/");
    expect(parse({ "health-url": "http://pr-{number}.preview.test/" }).health?.url).toBe("http://pr-42.preview.test/");
  });

  it.each(["health-url", "environment-url", "environment"])(
    "refuses {number} in %s with preview off, naming it, before anything is built",
    (input) => {
      const value = input === "environment" ? "review/{number}" : "https://pr-{number}.preview.example.com/health";
      expect(problems({ preview: "off", [input]: value })).toBe(
        `${input}: holds {number}, which only a preview fills in (the pull request's number); expected it without {number}, or set preview`,
      );
    },
  );

  it.each([
    [{ closed: false }, "open"],
    [{ closed: true }, "close"],
  ])("auto with a pull request %o is %s", (state, mode) => {
    const config = parse({ preview: "auto" }, { ...ci, pullRequest: { number: "5", ...state } });
    expect(config.preview?.mode).toBe(mode);
  });

  it("preview-template: environment copies the databases too", () => {
    expect(parse({ "preview-template": "environment" }).preview?.template).toBe("environment");
  });

  it("a compose service is a template as an application is", () => {
    const config = parse({ "application-id": "", "compose-id": "c1" });
    expect(config.preview).toMatchObject({ mode: "open", template: "target" });
    expect(config.targets).toEqual([{ kind: "compose", id: "c1" }]);
  });

  it("close and prune build and push nothing", () => {
    expect(parse({ preview: "close" })).toMatchObject({ build: false, pushImage: false, deploy: true });
    const prune = parse({ preview: "prune", "preview-ttl": "36h" }, noPullRequest);
    expect(prune).toMatchObject({ build: false, pushImage: false });
    expect(prune.preview).toMatchObject({ mode: "prune", number: undefined, ttlSeconds: 36 * 3600 });
  });

  it("masks the values of preview-env", () => {
    const config = parse({ "preview-env": "FEATURE=on\nTOKEN=s3cr3t-value" });
    expect(config.preview?.env).toEqual(["FEATURE=on", "TOKEN=s3cr3t-value"]);
    expect(secretsOf(config)).toContain("s3cr3t-value");
  });

  it.each<[RawInputs, CiContext, string]>([
    [{ preview: "maybe" }, ci, 'preview: "maybe" is not one of off, auto, open, close, prune'],
    [{ preview: "auto" }, noPullRequest, "preview: is auto, but this run is not for a pull or merge request"],
    [{}, noPullRequest, "preview-number: is required with preview: open: this run is not for a pull or merge request"],
    [{ "preview-number": "4a" }, ci, 'preview-number: "4a" is not a pull request number; expected digits'],
    [
      { "preview-name": "PR_{number}" },
      ci,
      'preview-name: "PR_42" is not a preview name; expected at most 20 lowercase',
    ],
    [
      { "preview-name": "a-very-long-preview-{number}" },
      ci,
      'preview-name: "a-very-long-preview-42" is not a preview name',
    ],
    [
      { "preview-host": "https://pr-{number}.example.com" },
      ci,
      'preview-host: "https://pr-42.example.com" is not a host name',
    ],
    [{ "preview-template": "project" }, ci, 'preview-template: "project" is not one of target, environment'],
    [{ "preview-env": "not a variable" }, ci, 'preview-env: "not a variable" is not a variable; expected KEY=VALUE'],
    [{ "preview-ttl": "1w" }, ci, 'preview-ttl: "1w" is not a duration; expected seconds (3600) or 90m, 12h, 7d'],
    [{ "preview-ttl": "400d" }, ci, 'preview-ttl: "400d" is out of range'],
    [
      { "preview-limit": "-1" },
      ci,
      'preview-limit: "-1" is not a number of previews; expected a whole number from 0 to 1000',
    ],
    [
      { "application-id": "", "compose-id": "c1", "preview-template": "environment" },
      ci,
      "preview-template: is environment, which copies the databases beside an application; a compose service (compose-id) is copied with the services its file declares: expected target",
    ],
    [{ "application-id": "a1,a2" }, ci, "application-id: names 2 applications; a preview copies one"],
    [
      { "compose-id": "c1" },
      ci,
      "compose-id: names 2 targets with application-id; a preview copies one: expected one application or one compose service",
    ],
    [{ "application-id": "", "compose-id": "c1,c2" }, ci, "compose-id: names 2 compose services; a preview copies one"],
    [{ deploy: "false" }, ci, "preview: is open, which needs deploy: true"],
  ])("refuses %o before anything is built", (inputs, context, expected) => {
    expect(problems(inputs, context)).toContain(expected);
  });
});

describe("the CI's pull request", () => {
  it("comes from the GitLab, Bitbucket, Woodpecker and Drone variables", async () => {
    const exec = () => Promise.resolve({ exitCode: 1, stdout: "", stderr: "" });
    const cases: [Record<string, string>, CiContext["pullRequest"]][] = [
      [
        { GITLAB_CI: "true", CI_COMMIT_SHA: "a", CI_MERGE_REQUEST_IID: "3" },
        { number: "3", closed: false },
      ],
      [
        { GITLAB_CI: "true", CI_COMMIT_SHA: "a", CI_MERGE_REQUEST_IID: "3", CI_ENVIRONMENT_ACTION: "stop" },
        { number: "3", closed: true },
      ],
      [
        { BITBUCKET_COMMIT: "a", BITBUCKET_PR_ID: "8" },
        { number: "8", closed: false },
      ],
      [
        { CI: "woodpecker", CI_COMMIT_PULL_REQUEST: "9" },
        { number: "9", closed: false },
      ],
      [
        { DRONE: "true", DRONE_PULL_REQUEST: "11" },
        { number: "11", closed: false },
      ],
      [{ GITLAB_CI: "true", CI_COMMIT_SHA: "a" }, undefined],
    ];
    for (const [env, expected] of cases) {
      const context = await detectCi(env).context(env, exec);
      expect(context.pullRequest, JSON.stringify(env)).toEqual(expected);
    }
  });
});
