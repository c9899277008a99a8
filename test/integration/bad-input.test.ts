/**
 * Bad input: every case exits with code 2 and a message naming the input, before any docker
 * or HTTP call. docker is watched by a spy on PATH that logs each call and runs the real CLI.
 */
import { execFile, execFileSync } from "node:child_process";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { DokployStandIn } from "../support/dokploy-stand-in";
import { standInInputs } from "../support/fixtures";
import { removeTempDirs, tempDir } from "../support/temp";

const rig = inject("rig");
const KEY = "bad-input-test-key-123456";
let standIn: DokployStandIn;
let spyDir: string;
let spyLog: string;

beforeAll(async () => {
  spyDir = await tempDir("docker-spy");
  spyLog = join(spyDir, "calls.log");
  const realDocker = execFileSync("sh", ["-c", "command -v docker"]).toString().trim();
  await writeFile(join(spyDir, "docker"), `#!/bin/sh\necho "$*" >> "${spyLog}"\nexec "${realDocker}" "$@"\n`);
  await chmod(join(spyDir, "docker"), 0o755);
});

beforeEach(async () => {
  standIn = new DokployStandIn({ apiKey: KEY });
  await standIn.start();
  await writeFile(spyLog, "");
});

afterEach(async () => {
  await standIn.stop();
});

afterAll(removeTempDirs);

const cases: [string, Record<string, string>, string][] = [
  ["missing application-id", { "application-id": "" }, 'Input "application-id": is required'],
  [
    "application-id with a space",
    { "application-id": "my app" },
    'Input "application-id": "my app" is not an application ID',
  ],
  ["missing dokploy-url", { "dokploy-url": "" }, 'Input "dokploy-url": is required'],
  [
    "URL without scheme",
    { "dokploy-url": "dokploy.example.com" },
    'Input "dokploy-url": "dokploy.example.com" is not a URL',
  ],
  [
    "URL with another scheme",
    { "dokploy-url": "ftp://dokploy.example.com" },
    'Input "dokploy-url": "ftp://dokploy.example.com" must start with https:// or http://',
  ],
  ["URL with credentials", { "dokploy-url": "https://admin:pw@dokploy.example.com" }, 'Input "dokploy-url"'],
  ["missing api key", { "dokploy-api-key": "" }, 'Input "dokploy-api-key": is required'],
  ["missing image", { image: "" }, 'Input "image": is empty'],
  [
    "image with capitals and a space",
    { image: "ghcr.io/Acme/we b" },
    'Input "image": "ghcr.io/Acme/we b" is not a valid repository name: "Acme" (repository names must be lowercase)',
  ],
  [
    "image with a tag inside",
    { image: "ghcr.io/acme/web:1.0" },
    'Input "image": "ghcr.io/acme/web:1.0" contains a tag',
  ],
  ["image with a digest", { image: `ghcr.io/acme/web@sha256:${"a".repeat(64)}` }, 'Input "image"'],
  [
    "image with a scheme",
    { image: "https://ghcr.io/acme/web" },
    'Input "image": "https://ghcr.io/acme/web" has a URL scheme',
  ],
  ["tag starting with a dot", { tag: ".hidden" }, 'Input "tag": ".hidden" is not a valid tag'],
  [
    "extra tag with a space",
    { "extra-tags": "latest\nnot valid" },
    'Input "extra-tags": "not valid" is not a valid tag',
  ],
  [
    "unknown deploy-method",
    { "deploy-method": "restart" },
    'Input "deploy-method": "restart" is not one of redeploy, deploy',
  ],
  ["unknown transport", { "dokploy-api": "rest" }, 'Input "dokploy-api": "rest" is not one of trpc, openapi'],
  ["non-numeric timeout", { "wait-timeout": "soon" }, 'Input "wait-timeout": "soon" is not a duration'],
  ["negative timeout", { "wait-timeout": "-5" }, 'Input "wait-timeout": "-5" is not a duration'],
  ["timeout over six hours", { "wait-timeout": "7h" }, 'Input "wait-timeout": "7h" is out of range'],
  ["retries not a number", { retries: "many" }, 'Input "retries": "many" is not a retry count'],
  [
    "request-timeout not a duration",
    { "request-timeout": "fast" },
    'Input "request-timeout": "fast" is not a duration',
  ],
  ["wait not a boolean", { wait: "maybe" }, 'Input "wait": "maybe" is not a boolean'],
  ["build not a boolean", { build: "no" }, 'Input "build": "no" is not a boolean'],
  ["build-arg without a name", { "build-args": "=1" }, 'Input "build-args"'],
  ["label without a value", { labels: "team" }, 'Input "labels": "team" is not a label; expected KEY=VALUE'],
  ["platform typo", { platforms: "linux-amd64" }, 'Input "platforms": "linux-amd64" is not a platform'],
  ["build secret without an id", { "build-secrets": "src=.npmrc" }, 'Input "build-secrets"'],
  [
    "registry password without a user",
    { "registry-username": "" },
    'Input "registry-username": is required when registry-password is set',
  ],
  [
    "pull user without a password",
    { "pull-username": "reader" },
    'Input "pull-password": is required when pull-username is set',
  ],
  ["registry of another host", { registry: "ghcr.io" }, 'Input "registry": "ghcr.io" is not the registry of image'],
  [
    "dokploy-registry without credentials",
    { "dokploy-registry": "true", "registry-username": "", "registry-password": "" },
    'Input "dokploy-registry": is true but there are no credentials',
  ],
  [
    "{number} in health-url without a preview",
    { "health-url": "https://pr-{number}.preview.example.com/health" },
    'Input "health-url": holds {number}, which only a preview fills in',
  ],
  ["platforms without buildx", { platforms: "linux/amd64,linux/arm64" }, 'Input "platforms": needs docker buildx'],
];

describe("bad input", () => {
  it("has at least 20 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)("%s: exits 2 naming the input, before any docker or HTTP call", async (_name, override, message) => {
    const app = standIn.addApplication();
    const run = await runAction({
      inputs: standInInputs(
        { rig, standIn, apiKey: KEY },
        app.applicationId,
        `${rig.registryHost}/demo/bad-input`,
        override,
      ),
      env: {
        GITHUB_SHA: "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c",
        DOCKER_HOST: rig.dockerHost,
        PATH: `${spyDir}:${process.env.PATH ?? ""}`,
      },
    });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain(`::error::${message}`);
    expect(standIn.calls).toEqual([]);
    const dockerCalls = (await readFile(spyLog, "utf8")).split("\n").filter(Boolean);
    // Not even the buildx question starts docker: plugins are looked up on disk.
    expect(dockerCalls).toEqual([]);
    expect(run.leftovers).toEqual([]);
  });
});

describe("a target name that is not there", () => {
  it("the CLI exits 2 naming the variable, with the closest names, having read project.all only and run no docker", async () => {
    const project = standIn.addProject("shop");
    standIn.addApplication({ name: "web", ...standIn.placeIn(project) });
    const cwd = await tempDir("cli-names");
    const cli = join(import.meta.dirname, "../../dist/cli/index.js");
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [cli],
        {
          cwd,
          env: {
            PATH: `${spyDir}:${process.env.PATH ?? ""}`,
            HOME: cwd,
            DOCKER_HOST: rig.dockerHost,
            DOKPLOY_URL: standIn.url,
            DOKPLOY_API_KEY: KEY,
            PROJECT: "shop",
            APPLICATION: "wbe",
            IMAGE: `${rig.registryHost}/demo/bad-name`,
            TAG: "v1",
          },
        },
        (_error, stdout, stderr) => {
          resolve({ code: child.exitCode ?? -1, output: `${stdout}${stderr}` });
        },
      );
    });
    expect(result.code).toBe(2);
    expect(result.output).toContain('APPLICATION: no application "wbe" in shop/production. Did you mean "web"?');
    expect(standIn.calls.map((c) => c.procedure)).toEqual(["project.all"]);
    expect((await readFile(spyLog, "utf8")).split("\n").filter(Boolean)).toEqual([]);
  });
});
