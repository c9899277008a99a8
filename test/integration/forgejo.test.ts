/**
 * The bundled action as Forgejo's and Gitea's runners run it: their variables (GITHUB_API_URL at
 * the instance's /api/v1, here GitHub's API stand-in, which takes any path and records it), a
 * real engine and registry, and the Dokploy stand-in. It builds, deploys and writes its outputs
 * and summary as on GitHub, and no request reaches the API; github-deployment or pr-comment
 * given as true stop it before any docker or Dokploy call.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { standInInputs, useStandIn } from "../support/fixtures";
import { forgejoEnv, giteaEnv } from "../support/forge-env";
import { GithubApiStandIn } from "../support/github-api-stand-in";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const API_KEY = `key-${randomBytes(12).toString("hex")}`;
const TOKEN = `forge-${randomBytes(18).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY });

let api: GithubApiStandIn;
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
  api = new GithubApiStandIn(TOKEN);
  await api.start();
  await writeFile(spyLog, "");
});
afterEach(async () => {
  await api.stop();
});

/** A pull_request event as the forge writes it (its payload has the number at both places). */
async function pullRequest(forge: Record<string, string>, number: number): Promise<Record<string, string>> {
  const path = join(await tempDir("event"), "event.json");
  await writeFile(path, JSON.stringify({ number, pull_request: { number, head: { sha: "f".repeat(40) } } }));
  return {
    ...forge,
    GITHUB_API_URL: `${api.url}/api/v1`,
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: path,
    GITHUB_SHA: randomBytes(20).toString("hex"),
    DOCKER_HOST: rig.dockerHost,
    PATH: `${spyDir}:${process.env.PATH ?? ""}`,
  };
}

function inputs(applicationId: string, more: Record<string, string> = {}): Record<string, string> {
  const image = `${rig.registryHost}/forge/app-${randomBytes(4).toString("hex")}`;
  return standInInputs({ rig, standIn: standIn(), apiKey: API_KEY }, applicationId, image, {
    "github-token": TOKEN,
    ...more,
  });
}

async function checkout(): Promise<string> {
  const dir = await tempDir("checkout");
  await writeFile(join(dir, "Dockerfile"), `FROM ${rig.baseImage}\nRUN echo forge > /m\nCMD ["cat", "/m"]\n`);
  return dir;
}

const dockerCalls = async () => (await readFile(spyLog, "utf8")).split("\n").filter(Boolean);

describe("the action on Forgejo and Gitea Actions", () => {
  it.each([
    ["Forgejo", forgejoEnv("https://code.example.com/"), "Forgejo Actions"],
    ["Gitea", giteaEnv("https://gitea.example.com"), "Gitea Actions"],
  ])(
    "%s, on a pull request: builds, deploys, writes outputs and summary, says once what it leaves out, calls no API",
    async (_name, forge, named) => {
      const app = standIn().addApplication({ name: "web" });
      const run = await runAction({
        inputs: inputs(app.applicationId),
        env: await pullRequest(forge, 7),
        cwd: await checkout(),
      });

      expect(run.exitCode, run.stdout).toBe(0);
      expect(api.calls).toEqual([]);
      expect(run.outputs["deployment-status"]).toBe("done");
      expect(run.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
      const said = run.stdout.split("\n").filter((line) => line.includes("no GitHub deployment"));
      expect(said).toEqual([
        `${named}: no GitHub deployment and no pull-request comment (they need GitHub's API, which this instance does not have); the job summary and the step's outputs say how the deploy went.`,
      ]);
      // Those runners print ::notice:: as it is: none is written there.
      expect(run.stdout).not.toContain("::notice::");
      expect(run.stdout).not.toContain("::warning::");
      expect(run.summary).toContain(run.outputs.digest);
      // The deployment in Dokploy links the run's page, at its number in the repository.
      const server = (forge.GITHUB_SERVER_URL ?? "").replace(/\/$/, "");
      const redeploy = standIn().callsOf("application.redeploy")[0]?.input as Record<string, string>;
      expect(redeploy.description).toContain(`${server}/acme/web/actions/runs/148`);
      expect(run.stdout).not.toContain(TOKEN);
    },
  );

  it.each([
    ["Forgejo", forgejoEnv("https://code.example.com"), { "github-deployment": "true" }, "github-deployment"],
    ["Gitea", giteaEnv("https://gitea.example.com"), { "pr-comment": "true" }, "pr-comment"],
  ])("%s: %j exits 2 naming the input, before any docker, Dokploy or API call", async (_name, forge, more, input) => {
    const app = standIn().addApplication();
    const run = await runAction({ inputs: inputs(app.applicationId, more), env: await pullRequest(forge, 8) });

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain(`::error::Input "${input}": is true, but this step runs on ${_name} Actions`);
    expect(await dockerCalls()).toEqual([]);
    expect(standIn().calls).toEqual([]);
    expect(api.calls).toEqual([]);
  });
});
