import { describe, expect, it } from "vitest";
import {
  type CiContext,
  ConfigError,
  INPUTS,
  type RawInputs,
  parseConfig,
  parseDuration,
  secretsOf,
  splitList,
} from "./imports";

const ci: CiContext = {
  sha: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c",
  repository: "acme/web",
  repositoryUrl: "https://github.com/acme/web",
  runUrl: "https://github.com/acme/web/actions/runs/7",
  commitMessage: "Fix the login page\n\nLonger body",
};

const valid: RawInputs = {
  "dokploy-url": "https://dokploy.example.com/",
  "dokploy-api-key": "key-123",
  "application-id": "UuH3SNuDvHGux046xpNIw",
  image: "ghcr.io/acme/web",
};

function parse(overrides: RawInputs = {}, context: CiContext = ci) {
  return parseConfig({ ...valid, ...overrides }, context);
}

function problem(overrides: RawInputs, context: CiContext = ci): ConfigError {
  try {
    parse(overrides, context);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("fills every default from the CI context", () => {
    const config = parse();
    expect(config.dokployUrl).toBe("https://dokploy.example.com");
    expect(config.tag).toBe(ci.sha);
    expect(config.deployTitle).toBe("Deploy 3f2c1ab");
    expect(config.deployDescription).toBe(`Commit ${ci.sha}: Fix the login page\nRun: ${ci.runUrl ?? ""}`);
    expect(config.registry).toBe("ghcr.io");
    expect(config.deployMethod).toBe("redeploy");
    expect(config.transport).toBe("trpc");
    expect(config.wait).toBe(true);
    expect(config.waitTimeoutSeconds).toBe(600);
    expect(config.build).toBe(true);
    expect(config.context).toBe(".");
    expect(config.push).toBeUndefined();
    expect(config.pull).toBeUndefined();
  });

  it("uses the push credentials for pulling unless pull credentials are given", () => {
    expect(parse({ "registry-username": "u", "registry-password": "p" }).pull).toEqual({
      username: "u",
      password: "p",
    });
    expect(
      parse({ "registry-username": "u", "registry-password": "p", "pull-username": "r", "pull-password": "ro" }).pull,
    ).toEqual({ username: "r", password: "ro" });
  });

  it("splits lists on newlines, and on commas only where values never hold one", () => {
    const config = parse({
      "extra-tags": "latest, stable\nv1",
      "build-args": "A=1,2\nB=x",
      labels: "com.example.team=web",
      platforms: "linux/amd64,linux/arm64",
    });
    expect(config.extraTags).toEqual(["latest", "stable", "v1"]);
    expect(config.buildArgs).toEqual(["A=1,2", "B=x"]);
    expect(config.platforms).toEqual(["linux/amd64", "linux/arm64"]);
    expect(splitList("a\n\n# comment\n b ", false)).toEqual(["a", "b"]);
  });

  it.each([
    ["600", 600],
    ["90s", 90],
    ["10m", 600],
    ["1h", 3600],
    ["1.5m", 90],
  ])("reads the duration %s as %d s", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it("keeps the dokploy-url path of a sub-path install, without a trailing /api", () => {
    expect(parse({ "dokploy-url": "https://example.com/dokploy/api/" }).dokployUrl).toBe("https://example.com/dokploy");
  });

  it.each<[string, RawInputs, string, RegExp]>([
    ["missing application-id", { "application-id": "" }, "application-id", /is required/],
    ["application-id with spaces", { "application-id": "my app" }, "application-id", /not an application ID/],
    ["missing api key", { "dokploy-api-key": " " }, "dokploy-api-key", /is required/],
    ["url without scheme", { "dokploy-url": "dokploy.example.com" }, "dokploy-url", /not a URL/],
    ["url with ftp scheme", { "dokploy-url": "ftp://dokploy.example.com" }, "dokploy-url", /https:\/\/ or http:\/\//],
    ["url with credentials", { "dokploy-url": "https://u:p@dokploy.example.com" }, "dokploy-url", /credentials/],
    ["missing url", { "dokploy-url": "" }, "dokploy-url", /is required/],
    ["image with capitals and a bad character", { image: "ghcr.io/Acme/we b" }, "image", /"Acme"/],
    ["image with tag", { image: "ghcr.io/acme/web:1.0" }, "image", /contains a tag/],
    ["image with digest", { image: `ghcr.io/acme/web@sha256:${"a".repeat(64)}` }, "image", /contains a digest/],
    ["image with scheme", { image: "https://ghcr.io/acme/web" }, "image", /URL scheme/],
    ["empty image", { image: "" }, "image", /is empty/],
    ["bad tag", { tag: "-leading-dash" }, "tag", /not a valid tag/],
    ["tag too long", { tag: "a".repeat(129) }, "tag", /not a valid tag/],
    ["bad extra tag", { "extra-tags": "latest,bad tag" }, "extra-tags", /not a valid tag/],
    ["unknown deploy-method", { "deploy-method": "restart" }, "deploy-method", /not one of redeploy, deploy/],
    ["unknown transport", { "dokploy-api": "graphql" }, "dokploy-api", /not one of trpc, openapi/],
    ["non-numeric timeout", { "wait-timeout": "soon" }, "wait-timeout", /not a duration/],
    ["zero timeout", { "wait-timeout": "0" }, "wait-timeout", /out of range/],
    ["boolean typo", { wait: "yes please" }, "wait", /not a boolean/],
    ["dry-run typo", { "dry-run": "1" }, "dry-run", /not a boolean/],
    ["build-arg without key", { "build-args": "=x" }, "build-args", /not a valid build argument/],
    ["label without value", { labels: "team" }, "labels", /KEY=VALUE/],
    ["platform typo", { platforms: "amd64" }, "platforms", /os\/arch/],
    ["secret without id", { "build-secrets": "src=.npmrc" }, "build-secrets", /id=NAME/],
    ["password without user", { "registry-password": "p" }, "registry-username", /required when registry-password/],
    ["user without password", { "registry-username": "u" }, "registry-password", /required when registry-username/],
    ["pull user without password", { "pull-username": "u" }, "pull-password", /required when pull-username/],
    ["registry of another host", { registry: "docker.io" }, "registry", /not the registry of image/],
    ["dokploy-registry without credentials", { "dokploy-registry": "true" }, "dokploy-registry", /no credentials/],
    ["push: false when deploying", { push: "false" }, "push", /can only deploy a pushed image/],
    ["nothing to do", { deploy: "false", build: "false", push: "false" }, "deploy", /nothing to do/],
    ["deploy typo", { deploy: "no" }, "deploy", /not a boolean/],
    ["github-deployment without a token", { "github-deployment": "true" }, "github-token", /required when github-dep/],
    [
      "pr-comment without a token",
      { "pr-comment": "true", "github-token": " " },
      "github-token",
      /required when pr-comm/,
    ],
    ["pr-comment typo", { "pr-comment": "on" }, "pr-comment", /not a boolean/],
    ["environment-url without scheme", { "environment-url": "web.example.com" }, "environment-url", /not a URL/],
  ])("rejects %s, naming the input", (_name, overrides, input, message) => {
    const error = problem(overrides);
    expect(error.input).toBe(input);
    expect(error.message).toContain(`Input "${input}"`);
    expect(error.message).toMatch(message);
    expect(error.exitCode).toBe(2);
  });

  it("with deploy: false needs no Dokploy URL, key or target", () => {
    const config = parseConfig({ image: "ghcr.io/acme/web", deploy: "false" }, ci);
    expect(config.deploy).toBe(false);
    expect(config.pushImage).toBe(true);
    expect(config.dokployUrl).toBe("");
    expect(config.apiKey).toBe("");
    expect(parseConfig({ image: "ghcr.io/acme/web", deploy: "false", push: "false" }, ci).pushImage).toBe(false);
  });

  it("building only (push and deploy false) does not check the pull credentials it never uses", () => {
    // A pull request from a fork: the secrets are empty, the user name is not.
    const fork = { image: "ghcr.io/acme/web", deploy: "false", push: "false", "pull-username": "octocat" };
    expect(parseConfig(fork, ci).pull).toBeUndefined();
    const pushing = () => parseConfig({ ...fork, push: "true" }, ci);
    expect(pushing).toThrow(/Input "pull-password": is required when pull-username is set/);
  });

  it("lowercases an image path with capitals (ghcr.io/${{ github.repository }}) and says so", () => {
    const config = parse({ image: "ghcr.io/Acme-Corp/Web" });
    expect(config.image.name).toBe("ghcr.io/acme-corp/web");
    expect(config.image.path).toBe("acme-corp/web");
    expect(config.notices).toEqual([
      'Image "ghcr.io/Acme-Corp/Web" is used as "ghcr.io/acme-corp/web": registries take lowercase repository names only.',
    ]);
    expect(parse().notices).toEqual([]);
  });

  it("does not switch an application's source unless switch-source is true", () => {
    expect(parse().switchSource).toBe(false);
    expect(parse({ "switch-source": "true" }).switchSource).toBe(true);
    expect(problem({ "switch-source": "maybe" }).input).toBe("switch-source");
  });

  it("needs a tag when the CI context has no commit", () => {
    const error = problem({}, { sha: "" });
    expect(error.input).toBe("tag");
    expect(parse({ tag: "v1" }, { sha: "" }).deployTitle).toBe("Deploy v1");
  });

  it("names every bad input at once", () => {
    const error = problem({ "application-id": "", image: "Bad:1" });
    expect(error.message).toContain('Input "application-id"');
    expect(error.message).toContain('Input "image"');
  });

  it("never puts a secret in an error message", () => {
    const error = problem({ "dokploy-api-key": "s3cret-key", "registry-password": "hunter2" });
    expect(error.message).not.toContain("hunter2");
    expect(error.message).not.toContain("s3cret-key");
  });

  it("reads GitHub's inputs: off, production, comments decided by the event, the token kept secret", () => {
    expect(parse().github).toEqual({ deployment: false, environment: "production" });
    const config = parse({
      "github-deployment": "true",
      "github-token": "ghs_0123456789abcdef",
      environment: "staging",
      "environment-url": "https://staging.example.com",
      "pr-comment": "false",
    });
    expect(config.github).toEqual({
      deployment: true,
      token: "ghs_0123456789abcdef",
      environment: "staging",
      environmentUrl: "https://staging.example.com",
      prComment: false,
    });
    expect(secretsOf(config)).toContain("ghs_0123456789abcdef");
  });

  it("has one row per input with a description", () => {
    const names = INPUTS.map((i) => i.name);
    expect(new Set(names).size).toBe(names.length);
    for (const input of INPUTS) expect(input.description.length).toBeGreaterThan(10);
  });
});

describe("verify-stable", () => {
  it("is 0 (no window) unless given; takes seconds or a unit, and 0 in any unit", () => {
    expect(parse().verifyStableSeconds).toBe(0);
    expect(parse({ "verify-stable": "0" }).verifyStableSeconds).toBe(0);
    expect(parse({ "verify-stable": "0s" }).verifyStableSeconds).toBe(0);
    expect(parse({ "verify-stable": "20" }).verifyStableSeconds).toBe(20);
    expect(parse({ "verify-stable": "1m", "verify-timeout": "2m" }).verifyStableSeconds).toBe(60);
  });

  it.each<[string, RawInputs, RegExp]>([
    ["a value that is no duration", { "verify-stable": "a while" }, /"a while" is not a duration/],
    ["a negative value", { "verify-stable": "-5" }, /not a duration/],
    [
      "more than verify-timeout",
      { "verify-stable": "90" },
      /is 90 s, longer than verify-timeout \(60 s\); raise verify-timeout/,
    ],
    ["verify-running: false", { "verify-stable": "20", "verify-running": "false" }, /needs verify-running: true/],
    ["wait: false", { "verify-stable": "20", wait: "false" }, /needs wait: true/],
  ])("rejects %s, naming verify-stable, before anything is built or sent", (_name, overrides, message) => {
    const error = problem(overrides);
    expect(error.input).toBe("verify-stable");
    expect(error.message).toContain('Input "verify-stable"');
    expect(error.message).toMatch(message);
    expect(error.exitCode).toBe(2);
  });

  it("takes a window as long as verify-timeout, and none with verify-running: false", () => {
    expect(parse({ "verify-stable": "60" }).verifyStableSeconds).toBe(60);
    expect(parse({ "verify-stable": "0", "verify-running": "false", wait: "false" }).verifyRunning).toBe(false);
  });
});

describe("build-secrets", () => {
  it("takes build-push-action's NAME=value and buildx's --secret specs, and masks the values", () => {
    const config = parse({
      "build-secrets": [
        "GIT_AUTH_TOKEN=ghp_a=b,c",
        "id=npm,env=NPM_TOKEN",
        "id=aws,src=/home/u/.aws/credentials",
        "type=env,id=tok,source=TOKEN",
        "id=bare",
        "# a comment",
      ].join("\n"),
    });
    expect(config.buildSecrets).toEqual([
      { kind: "value", id: "GIT_AUTH_TOKEN", value: "ghp_a=b,c" },
      { kind: "spec", id: "npm", spec: "id=npm,env=NPM_TOKEN" },
      { kind: "spec", id: "aws", spec: "id=aws,src=/home/u/.aws/credentials" },
      { kind: "spec", id: "tok", spec: "type=env,id=tok,source=TOKEN" },
      { kind: "spec", id: "bare", spec: "id=bare" },
    ]);
    expect(secretsOf(config)).toContain("ghp_a=b,c");
  });

  it.each([
    ["a token pasted alone", "ghp_0123456789abcdefSECRET", /entry 2 is not a secret; expected NAME=value/],
    ["a value without a name", "=SECRETvalue", /entry 2 is not a secret/],
    ["a name without a value", "SECRET_NAME_ONLY=", /entry 2 is not a secret/],
    ["a spec without an id", "src=/run/SECRET.txt", /entry 2 is a buildx secret spec without an id/],
    ["a spec of another type", "type=ssh,id=SECRETid", /entry 2 is a buildx secret spec with a type other than/],
  ])("rejects %s with exit 2, naming the entry and never showing it", (_case, entry, message) => {
    const error = problem({ "build-secrets": `id=ok,env=OK\n${entry}` });
    expect(error.input).toBe("build-secrets");
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("SECRET");
  });
});

describe("hostile inputs", () => {
  it("rejects a line break in every one-line input, and takes it in the multi-line ones", () => {
    for (const input of INPUTS) {
      const value = input.name === "dokploy-url" ? "https://a.example.com\n::error::x" : "x\n::error::x";
      const multiline = "multiline" in input && input.multiline;
      let error: ConfigError | undefined;
      try {
        parse({ [input.name]: value });
      } catch (e) {
        if (e instanceof ConfigError) error = e;
      }
      if (multiline)
        expect(error?.message ?? "", input.name).not.toContain(`Input "${input.name}": must be a single line`);
      else expect(error?.message, input.name).toContain(`Input "${input.name}": must be a single line`);
    }
    expect(problem({ "deploy-title": "Fix it\n\nbody" }).message).toMatch(/first line only/);
    // A line break at either end is trimmed like any white space.
    expect(parse({ "deploy-title": "Fix it\n" }).deployTitle).toBe("Fix it");
  });

  it("rejects an API key with a character that cannot be sent in a header, without showing it", () => {
    for (const key of ["clé-123", "key with space", "key\u0000x"]) {
      const error = problem({ "dokploy-api-key": key });
      expect(error.input).toBe("dokploy-api-key");
      expect(error.message).toMatch(/character \d+ cannot be sent in the x-api-key header/);
      expect(error.message).not.toContain(key);
    }
  });

  it("takes health-url credentials out of the URL, for Basic auth, and never shows them", () => {
    const config = parse({ "health-url": "https://probe:p%40ss%3Aw@app.example.com/health?x=1" });
    expect(config.health?.url).toBe("https://app.example.com/health?x=1");
    expect(config.health?.credentials).toEqual({ username: "probe", password: "p@ss:w" });
    expect(secretsOf(config)).toEqual(expect.arrayContaining(["p@ss:w", "probe:p@ss:w"]));
    const error = problem({ "health-url": "ftp://probe:hunter2@app.example.com/" });
    expect(error.message).toContain("ftp://***@app.example.com/");
    expect(error.message).not.toContain("hunter2");
  });

  it("rejects a request-timeout under 1 s", () => {
    expect(problem({ "request-timeout": "0.001" }).message).toMatch(/Input "request-timeout": .*at least 1 s/);
    expect(parse({ "request-timeout": "1" }).requestTimeoutSeconds).toBe(1);
  });

  it("pushes each extra tag once, and not the deploy tag again", () => {
    expect(parse({ tag: "v1", "extra-tags": "latest\nlatest, v1,stable,latest" }).extraTags).toEqual([
      "latest",
      "stable",
    ]);
  });

  it("notes which passwords had spaces at either end (removed, as docker login removes them)", () => {
    const config = parse({
      "registry-username": "u",
      "registry-password": "  pw \n",
      "pull-username": "p",
      "pull-password": "ok",
    });
    expect(config.push?.password).toBe("pw");
    expect(config.spacedSecrets).toEqual(["registry-password"]);
    expect(parse({ "registry-username": "u", "registry-password": "pw\n" }).spacedSecrets).toEqual([]);
  });

  describe("never shows the password of a URL in an input's error", () => {
    const PASSWORD = "S3cr-et/pa@ss#w?d";
    const cases: [string, RawInputs, string][] = [
      [
        "dokploy-url with a bad port",
        { "dokploy-url": `https://admin:${PASSWORD}@dokploy.example.com:99999` },
        "dokploy-url",
      ],
      [
        "dokploy-url with another scheme",
        { "dokploy-url": `ftp://admin:${PASSWORD}@dokploy.example.com` },
        "dokploy-url",
      ],
      ["dokploy-url without a scheme", { "dokploy-url": `admin:${PASSWORD}@dokploy.example.com` }, "dokploy-url"],
      ["dokploy-url with credentials", { "dokploy-url": "https://admin:hunter2@dokploy.example.com" }, "dokploy-url"],
      [
        "health-url with a bad port",
        { "health-url": `https://probe:${PASSWORD}@app.example.com:99999/` },
        "health-url",
      ],
      ["health-url with another scheme", { "health-url": `ftp://probe:${PASSWORD}@app.example.com/` }, "health-url"],
      [
        "environment-url with credentials",
        { "environment-url": `https://u:${PASSWORD}@app.example.com/` },
        "environment-url",
      ],
      [
        "environment-url with credentials, / in the password",
        { "environment-url": "https://u:pa/ss@app.example.com/" },
        "environment-url",
      ],
      ["registry with credentials", { registry: `user:${PASSWORD}@ghcr.io` }, "registry"],
      ["registry with a scheme and credentials", { registry: `https://user:${PASSWORD}@ghcr.io` }, "registry"],
      ["image with credentials", { image: `user:${PASSWORD}@ghcr.io/acme/web` }, "image"],
    ];

    it.each(cases)("%s", (_name, overrides, input) => {
      const error = problem(overrides);
      expect(error.input).toBe(input);
      for (const part of [PASSWORD, "S3cr", "hunter2", "pa/ss", "w?d"]) expect(error.message).not.toContain(part);
      expect(error.message).toContain("***");
    });
  });
});
