import { describe, expect, it } from "vitest";
import { checkSource, configuredSource } from "../../src/targets/source";
import { ApplicationSchema, type Config, parseConfig } from "./imports";

function app(fields: Record<string, unknown>) {
  return ApplicationSchema.parse({ applicationId: "app-1", name: "web", ...fields });
}

function config(switchSource: boolean, target: Record<string, string> = { "application-id": "app-1" }): Config {
  return parseConfig(
    {
      "dokploy-url": "https://dokploy.example.com",
      "dokploy-api-key": "k",
      ...target,
      image: "ghcr.io/acme/web",
      "switch-source": String(switchSource),
    },
    { sha: "a".repeat(40) },
  );
}

function logger(lines: string[]) {
  const log = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    group: <T>(_n: string, f: () => Promise<T>) => f(),
    mask: () => undefined,
  };
}

describe("an application's source", () => {
  it.each<[Record<string, unknown>, string | undefined]>([
    [{ sourceType: "github", owner: "acme", repository: "web" }, "its github source (acme/web)"],
    [{ sourceType: "gitlab", gitlabRepository: "web" }, "its gitlab source (web)"],
    [{ sourceType: "bitbucket", bitbucketRepository: "web" }, "its bitbucket source (web)"],
    [{ sourceType: "gitea", giteaRepository: "web" }, "its gitea source (web)"],
    [
      { sourceType: "git", customGitUrl: "https://git.example.com/w.git" },
      "its git source (https://git.example.com/w.git)",
    ],
    [{ sourceType: "drop", deployments: [{ deploymentId: "d1" }] }, "its drop source"],
    // A new application: github by default, nothing set up, nothing deployed.
    [{ sourceType: "github", repository: null, deployments: [] }, undefined],
    [{ sourceType: "docker", dockerImage: "nginx" }, undefined],
  ])("%j is set up to build from %s", (fields, source) => {
    expect(configuredSource(app(fields))).toBe(source);
  });

  it("refuses to switch a git-sourced application unless switch-source is true", () => {
    const lines: string[] = [];
    const gitApp = app({ sourceType: "github", owner: "acme", repository: "web" });
    expect(() => checkSource(gitApp, config(false), logger(lines), "ghcr.io/acme/web:abc")).toThrow(
      'Application "web" (app-1) deploys from its github source (acme/web); this step would switch it to the Docker image ghcr.io/acme/web:abc. Set switch-source: true to do that, or check application-id.',
    );
    checkSource(gitApp, config(true), logger(lines), "ghcr.io/acme/web:abc");
    checkSource(app({ sourceType: "github" }), config(false), logger(lines), "ghcr.io/acme/web:abc");
    checkSource(app({ sourceType: "docker" }), config(false), logger(lines), "ghcr.io/acme/web:abc");
    expect(lines).toEqual([
      'warn: Application "web" (app-1) deploys from its github source (acme/web); with switch-source: true it is switched to the Docker image ghcr.io/acme/web:abc.',
      "info: The application has no github source set up yet; it is set to the Docker image ghcr.io/acme/web:abc.",
    ]);
  });

  it("names the inputs the application was given by", () => {
    const gitApp = app({ sourceType: "github", owner: "acme", repository: "web" });
    const byName = config(false, { project: "shop", application: "web" });
    expect(() => checkSource(gitApp, byName, logger([]), "ghcr.io/acme/web:abc")).toThrow(
      /Set switch-source: true to do that, or check application \(and project, dokploy-environment\)\.$/,
    );
  });
});
