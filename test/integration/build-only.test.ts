/**
 * deploy: false, the pull-request half of one workflow: the bundled action builds, pushes and
 * checks the pull on the real engine and registry, and sends not one request to Dokploy (the
 * stand-in counts them). Pull requests from forks get no secrets: the key, the URL and the
 * target may all be missing.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { useStandIn } from "../support/fixtures";
import { rigRegistry } from "../support/global-setup";
import { freePort, registryDigest } from "../support/rig";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const exec = promisify(execFile);
const API_KEY = `key-${randomBytes(12).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY });
const registry = rigRegistry(rig);

async function checkout(): Promise<string> {
  const dir = await tempDir("checkout");
  await writeFile(
    join(dir, "Dockerfile"),
    `FROM ${rig.baseImage}\nRUN echo "${randomBytes(6).toString("hex")}" > /marker.txt\nCMD ["cat", "/marker.txt"]\n`,
  );
  return dir;
}

function build(inputs: Record<string, string>) {
  const repo = `pr/app-${randomBytes(4).toString("hex")}`;
  const commit = randomBytes(20).toString("hex");
  return {
    repo,
    commit,
    run: async () =>
      runAction({
        inputs: {
          image: `${rig.registryHost}/${repo}`,
          "registry-username": rig.registryUser,
          "registry-password": rig.registryPassword,
          network: "host",
          deploy: "false",
          ...inputs,
        },
        env: { GITHUB_SHA: commit, DOCKER_HOST: rig.dockerHost },
        cwd: await checkout(),
        secrets: [API_KEY, rig.registryPassword],
      }),
  };
}

describe("deploy: false", () => {
  it("builds, pushes and checks the pull, and sends nothing to Dokploy, though the key and the application are given", async () => {
    const app = standIn().addApplication();
    const pr = build({
      "dokploy-url": standIn().url,
      "dokploy-api-key": API_KEY,
      "application-id": app.applicationId,
    });
    const run = await pr.run();

    expect(run.stdout).not.toContain("::error::");
    expect(run.exitCode).toBe(0);
    const served = await registryDigest(registry, pr.repo, pr.commit);
    expect(served).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(run.outputs.digest).toBe(served);
    expect(run.stdout).toContain(`is served as ${served ?? ""}`);
    expect(run.stdout).toContain("deploy: false: nothing was sent to Dokploy.");
    expect(standIn().calls).toEqual([]);
    expect(run.outputs["deployment-status"]).toBe("");
    expect(run.summary).toContain("Built and pushed (deploy: false)");
    expect(run.filesWithSecrets).toEqual([]);
  });

  it("needs no Dokploy URL, key or target, as in a pull request from a fork", async () => {
    const pr = build({});
    const run = await pr.run();

    expect(run.exitCode).toBe(0);
    expect(await registryDigest(registry, pr.repo, pr.commit)).toBe(run.outputs.digest);
  });

  it("says what the engine's push met when the registry cannot be reached, and sends nothing anywhere else", async () => {
    const port = await freePort();
    const repo = `pr/app-${randomBytes(4).toString("hex")}`;
    const commit = randomBytes(20).toString("hex");
    const run = await runAction({
      inputs: {
        image: `127.0.0.1:${String(port)}/${repo}`,
        "registry-username": rig.registryUser,
        "registry-password": rig.registryPassword,
        deploy: "false",
      },
      env: { GITHUB_SHA: commit, DOCKER_HOST: rig.dockerHost },
      cwd: await checkout(),
      secrets: [rig.registryPassword],
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`Pushing 127.0.0.1:${String(port)}/${repo}:${commit} (the engine's push)`);
    // The engine's own words, after ours.
    expect(run.stdout).toMatch(
      new RegExp(`::error::push of 127\\.0\\.0\\.1:${String(port)}/${repo}:${commit} failed: .*connection refused`),
    );
    expect(standIn().calls).toEqual([]);
    expect(run.filesWithSecrets).toEqual([]);
    expect(run.stdout).not.toContain(rig.registryPassword);
  });

  it("with push: false builds only: nothing reaches the registry, the image is in the engine", async () => {
    const pr = build({ push: "false", "registry-username": "", "registry-password": "" });
    const run = await pr.run();

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("nothing pushed (push: false)");
    expect(await registryDigest(registry, pr.repo, pr.commit)).toBeUndefined();
    const { stdout } = await exec(
      "docker",
      ["image", "inspect", `${rig.registryHost}/${pr.repo}:${pr.commit}`, "--format", "{{.Id}}"],
      { env: { ...process.env, DOCKER_HOST: rig.dockerHost } },
    );
    expect(stdout.trim()).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(stdout.trim()).toBe(run.outputs.imageid);
    expect(run.outputs.digest).toBe("");
  });

  it("refuses push: false when deploying, with exit 2 before anything is built", async () => {
    const app = standIn().addApplication();
    const pr = build({
      deploy: "true",
      push: "false",
      "dokploy-url": standIn().url,
      "dokploy-api-key": API_KEY,
      "application-id": app.applicationId,
    });
    const run = await pr.run();

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain('Input "push": is false, but Dokploy can only deploy a pushed image');
    expect(standIn().calls).toEqual([]);
    expect(await registryDigest(registry, pr.repo, pr.commit)).toBeUndefined();
  });
});
