/**
 * The GitLab component, run by a GitLab pipeline emulator (gitlab-ci-local, shell executor, on
 * Node 24): a consumer project's .gitlab-ci.yml includes gitlab/templates/deploy.yml with
 * inputs; the job runs dokploy-deploy against the real engine and registry and the stand-in.
 * GitLab's registry variables are pointed at the test registry, so the component's defaults
 * (image, push credentials, tag) are what is tested. The consumer swaps the docker:dind service
 * for the test engine, as the shell executor has no services.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, copyFile, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { useStandIn } from "../support/fixtures";
import { rigRegistry } from "../support/global-setup";
import { registryDigest } from "../support/rig";
import { NODE24, ROOT, TOOLS } from "../support/runner-image";
import { tempDir } from "../support/temp";

const git = promisify(execFile);
const rig = inject("rig");
const API_KEY = `MARKER-GL-${randomBytes(10).toString("hex")}`;
const registry = rigRegistry(rig);
const standIn = useStandIn({ apiKey: API_KEY });

/** A consumer project: git repo with an origin remote, a Dockerfile, the component, a pipeline. */
async function consumer(inputs: Record<string, string>): Promise<{ dir: string; sha: string }> {
  const dir = await tempDir("gitlab-project");
  await mkdir(join(dir, "templates"));
  await copyFile(join(ROOT, "gitlab/templates/deploy.yml"), join(dir, "templates/dokploy-deploy.yml"));
  await writeFile(
    join(dir, "Dockerfile"),
    `FROM ${rig.baseImage}\nRUN echo ${randomBytes(4).toString("hex")} > /built\n`,
  );
  const inputLines = Object.entries(inputs).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`);
  await writeFile(
    join(dir, ".gitlab-ci.yml"),
    [
      "stages: [deploy]",
      "include:",
      "  - local: templates/dokploy-deploy.yml",
      "    inputs:",
      ...inputLines,
      "",
      "dokploy-deploy:",
      "  services: []",
      "  variables:",
      `    DOCKER_HOST: ${rig.dockerHost}`,
      '    DOCKER_TLS_VERIFY: ""',
      '    DOCKER_CERT_PATH: ""',
      "",
    ].join("\n"),
  );
  await git("git", ["init", "-q", "-b", "main"], { cwd: dir });
  await git("git", ["remote", "add", "origin", "git@gitlab.example.com:acme/web.git"], { cwd: dir });
  await git("git", ["add", "-A"], { cwd: dir });
  await git(
    "git",
    ["-c", "user.email=ci@example.com", "-c", "user.name=ci", "commit", "-qm", "Ship the pricing page"],
    { cwd: dir },
  );
  const sha = (await git("git", ["rev-parse", "HEAD"], { cwd: dir })).stdout.trim();
  return { dir, sha };
}

async function runPipeline(
  dir: string,
  variables: Record<string, string>,
): Promise<{ exitCode: number; output: string }> {
  const bin = await tempDir("gitlab-bin");
  // The job image's entry point, on the host for the shell executor.
  await writeFile(join(bin, "dokploy-deploy"), `#!/bin/sh\nexec node ${join(ROOT, "dist/cli/index.js")} "$@"\n`);
  await chmod(join(bin, "dokploy-deploy"), 0o755);
  const args = ["--force-shell-executor", "--no-color"];
  for (const [k, v] of Object.entries(variables)) args.push("--variable", `${k}=${v}`);
  args.push("dokploy-deploy");
  const child = spawn(join(TOOLS, ".bin/gitlab-ci-local"), args, {
    cwd: dir,
    env: {
      PATH: `${join(NODE24, "..")}:${bin}:${process.env.PATH ?? ""}`,
      HOME: dir,
      GCL_IGNORE_PREDEFINED_VARS: "CI_REGISTRY_IMAGE,CI_REGISTRY_USER,CI_REGISTRY_PASSWORD",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exitCode = await new Promise<number>((done) => child.on("close", (code) => done(code ?? -1)));
  return { exitCode, output };
}

async function findFile(dir: string, name: string): Promise<string | undefined> {
  const entries = await readdir(dir, { recursive: true });
  const hit = entries.find((e) => e.endsWith(name));
  return hit ? join(dir, hit) : undefined;
}

describe("the GitLab component in a GitLab pipeline emulator", () => {
  it("deploys with GitLab's registry defaults: pushes <image>:<sha>, saves the provider, redeploys, follows it", async () => {
    const app = standIn().addApplication();
    const repo = `acme/web-${randomBytes(3).toString("hex")}`;
    const { dir, sha } = await consumer({
      "dokploy-url": standIn().url,
      "application-id": app.applicationId,
      network: "host",
    });
    const run = await runPipeline(dir, {
      DOKPLOY_API_KEY: API_KEY,
      CI_REGISTRY_IMAGE: `${rig.registryHost}/${repo}`,
      CI_REGISTRY_USER: rig.registryUser,
      CI_REGISTRY_PASSWORD: rig.registryPassword,
      CI_DEPLOY_USER: rig.registryUser,
      CI_DEPLOY_PASSWORD: rig.registryPassword,
    });
    expect(run.exitCode, run.output).toBe(0);
    const digest = await registryDigest(registry, repo, sha);
    expect(digest).toMatch(/^sha256:/);
    expect(standIn().callsOf("application.saveDockerProvider")[0]?.input).toEqual({
      applicationId: app.applicationId,
      dockerImage: `${rig.registryHost}/${repo}:${sha}`,
      username: rig.registryUser,
      password: rig.registryPassword,
      registryUrl: rig.registryHost,
    });
    const redeploy = standIn().callsOf("application.redeploy")[0]?.input as Record<string, string>;
    expect(redeploy.title).toBe(`Deploy ${sha.slice(0, 7)}`);
    // The emulator's CI_COMMIT_MESSAGE is a fixed "Commit Title\nMore commit text".
    expect(redeploy.description).toContain(`Commit ${sha}: Commit Title`);
    expect(standIn().deployments.get(app.applicationId)?.[0]?.status).toBe("done");
    // GitLab's collapsible sections (the emulator renders them), not the plain ▶ headers.
    expect(run.output).toContain("dokploy_deploy_1_build_and_push");
    expect(run.output).not.toContain("▶");
    expect(run.output).not.toContain("expires when the job ends");
    expect(run.output).toMatch(/✔ Deployed .* \(deployment done\)/);
    const dotenv = await findFile(join(dir, ".gitlab-ci-local"), "dokploy-deploy.env");
    expect(dotenv).toBeDefined();
    const report = await readFile(dotenv ?? "", "utf8");
    expect(report).toContain(`DOKPLOY_DIGEST=${digest ?? ""}`);
    expect(report).toMatch(/^DOKPLOY_IMAGEID=sha256:[a-f0-9]{64}$/m);
    // The build metadata can pass GitLab's 5 KB limit for a dotenv report: it is left out.
    expect(report).not.toContain("DOKPLOY_METADATA");
    expect(run.output).not.toContain("::add-mask::");
    for (const secret of [API_KEY, rig.registryPassword]) expect(run.output).not.toContain(secret);
  });

  it("fails the job with exit 1 when the deployment ends in error", async () => {
    const app = standIn().addApplication();
    standIn().scriptDeployments(app.applicationId, { outcome: "error", durationMs: 200 });
    const { dir } = await consumer({
      "dokploy-url": standIn().url,
      "application-id": app.applicationId,
      network: "host",
    });
    const run = await runPipeline(dir, {
      DOKPLOY_API_KEY: API_KEY,
      CI_REGISTRY_IMAGE: `${rig.registryHost}/acme/web-fail`,
      CI_REGISTRY_USER: rig.registryUser,
      CI_REGISTRY_PASSWORD: rig.registryPassword,
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toMatch(/ERROR: Deployment \S+ of .* ended with status "error"/);
    expect(run.output).toContain("expires when the job ends");
    for (const secret of [API_KEY, rig.registryPassword]) expect(run.output).not.toContain(secret);
  });
});
