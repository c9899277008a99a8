/**
 * Cancelling a run as a CI does (SIGINT, then SIGTERM) or as a user does (Ctrl-C): during the
 * build, the push and the wait, for the action and for the CLI, with the real engine and
 * registry and the Dokploy stand-in. The docker commands stop with the run, the registry login
 * leaves the disk, and the message says what the run had changed in Dokploy.
 */
import { randomBytes } from "node:crypto";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { filesHolding, runAction } from "../support/action";
import { NO_PULL_CHECK, standInInputs, useStandIn } from "../support/fixtures";
import { rigRegistry } from "../support/global-setup";
import { type Interruption, processesWith, runInterrupted } from "../support/interrupt";
import { registryDigest } from "../support/rig";
import { type SlowProxy, startSlowProxy } from "../support/slow-proxy";
import { tempDir } from "../support/temp";

const CLI = resolve(import.meta.dirname, "../../dist/cli/index.js");
const rig = inject("rig");
const KEY = `MARKER-CANCEL-${randomBytes(8).toString("hex")}`;
const SECRETS = [KEY, rig.registryPassword];
// Deployments that outlast the test, so a cancel during the wait finds one running.
const standIn = useStandIn({ apiKey: KEY, deployment: { startDelayMs: 20, durationMs: 120_000 } });
const OLD_IMAGE = `${rig.registryHost}/cancel/old:1`;
let proxy: SlowProxy | undefined;

afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

type Stage = "build" | "push" | "wait";

/** A clone whose build takes long (build), pushes a big layer (push), or is quick (wait). */
async function clone(stage: Stage): Promise<string> {
  const dir = await tempDir("cancel-clone");
  const step = {
    build: "RUN sleep 60",
    push: "RUN /bin/busybox dd if=/dev/urandom of=/blob bs=1048576 count=24",
    wait: `RUN echo ${randomBytes(4).toString("hex")} > /built`,
  }[stage];
  await writeFile(join(dir, "Dockerfile"), `FROM ${rig.baseImage}\n${step}\n`);
  return dir;
}

/** When to cancel: once the build runs, once the push has started, once we follow the deployment. */
const MOMENT: Record<Stage, RegExp> = {
  build: /\$ docker build/,
  push: /^Pushing \S+ \(the engine's push\)$/m,
  wait: /Following deployment/,
};

interface Scenario {
  readonly stage: Stage;
  readonly signals: readonly NodeJS.Signals[];
}

/** A target: a repository in the registry (through a slow proxy for the push case). */
async function target(stage: Stage): Promise<{ registry: string; repo: string; sha: string }> {
  if (stage === "push") proxy = await startSlowProxy(rig.registryHost, 1 << 20);
  return {
    registry: proxy?.host ?? rig.registryHost,
    repo: `cancel/${stage}-${randomBytes(4).toString("hex")}`,
    sha: randomBytes(20).toString("hex"),
  };
}

function interruption(scenario: Scenario): Interruption {
  return { when: MOMENT[scenario.stage], signals: scenario.signals, afterMs: scenario.stage === "push" ? 1500 : 500 };
}

/** What every cancelled run must leave behind: no docker command, nothing pushed after the cancel. */
async function expectStopped(repo: string, sha: string, stage: Stage): Promise<void> {
  expect(await processesWith(repo)).toEqual([]);
  if (stage === "wait") return;
  // A push that went on without us would show up now.
  await new Promise((r) => setTimeout(r, 2000));
  expect(await processesWith(repo)).toEqual([]);
  expect(await registryDigest(rigRegistry(rig), repo, sha)).toBeUndefined();
}

/** The message names what the ledger says: nothing in Dokploy before the save; the image and deployment after. */
function expectLedgerMessage(output: string, stage: Stage, image: string, signal: string): void {
  expect(output).toContain(`Cancelled (${signal})`);
  if (stage === "wait") {
    expect(output).toContain(`now points at ${image} (was ${OLD_IMAGE})`);
    expect(output).toMatch(
      /redeploy "Deploy [0-9a-f]{7}" \(deployment \S+\) is running in Dokploy, which goes on with it whatever this step does: see Deployments at http/,
    );
  } else {
    expect(output).toContain("Nothing was changed in Dokploy.");
  }
}

const EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

describe("cancelling the action", () => {
  it.each<Scenario>([
    { stage: "build", signals: ["SIGINT"] },
    { stage: "push", signals: ["SIGINT"] },
    { stage: "wait", signals: ["SIGINT"] },
  ])(
    "$signals during the $stage: stops docker, removes the login, says what changed, writes outputs",
    async (scenario) => {
      const app = standIn().addApplication({ sourceType: "docker", dockerImage: OLD_IMAGE });
      const { registry, repo, sha } = await target(scenario.stage);
      const image = `${registry}/${repo}:${sha}`;
      const run = await runAction({
        inputs: standInInputs(
          { rig, standIn: standIn(), apiKey: KEY },
          app.applicationId,
          `${registry}/${repo}`,
          NO_PULL_CHECK,
        ),
        env: { GITHUB_SHA: sha, DOCKER_HOST: rig.dockerHost },
        cwd: await clone(scenario.stage),
        secrets: SECRETS,
        interruption: interruption(scenario),
      });
      expect(run.interrupted, run.stdout).toBe(true);
      expect(run.exitCode, run.stdout).toBe(EXIT[scenario.signals[0] ?? ""]);
      expectLedgerMessage(run.stdout, scenario.stage, image, scenario.signals[0] ?? "");
      expect(run.stdout).toMatch(/^::error::Cancelled/m);
      expect(run.leftovers).toEqual([]);
      expect(run.filesWithSecrets).toEqual([]);
      expect(run.outputs.image).toBe(image);
      expect(run.summary).toContain("Deploy cancelled");
      if (scenario.stage === "wait") {
        expect(run.outputs["deployment-status"]).toBe("running");
        expect(run.outputs["deployment-id"]).not.toBe("");
      } else {
        expect(standIn().writes()).toEqual([]);
      }
      await expectStopped(repo, sha, scenario.stage);
    },
  );

  it("a second signal ends the step at once, with no docker command and no login left", async () => {
    const app = standIn().addApplication();
    const { repo, sha } = await target("build");
    const run = await runAction({
      inputs: standInInputs({ rig, standIn: standIn(), apiKey: KEY }, app.applicationId, `${rig.registryHost}/${repo}`),
      env: { GITHUB_SHA: sha, DOCKER_HOST: rig.dockerHost },
      cwd: await clone("build"),
      secrets: SECRETS,
      interruption: { when: MOMENT.build, signals: ["SIGINT", "SIGTERM"], afterMs: 300, gapMs: 1 },
    });
    expect(run.interrupted).toBe(true);
    // The two signals are 1 ms apart: the process may take them in either order. It exits as
    // the one it names as the second.
    const again = /Received (SIGINT|SIGTERM) again: stopped at once/.exec(run.stdout)?.[1];
    expect(again, run.stdout).toBeDefined();
    expect(run.exitCode, run.stdout).toBe(again === "SIGINT" ? 130 : 143);
    expect(run.leftovers).toEqual([]);
    expect(run.filesWithSecrets).toEqual([]);
    expect(await processesWith(repo)).toEqual([]);
  });
});

describe("cancelling the CLI (the Bitbucket pipe and GitLab component run it)", () => {
  it.each<Scenario>([
    { stage: "build", signals: ["SIGTERM"] },
    { stage: "push", signals: ["SIGINT"] },
    { stage: "wait", signals: ["SIGTERM"] },
  ])("$signals during the $stage: stops docker, removes the login from TMPDIR, says what changed", async (scenario) => {
    const app = standIn().addApplication({ sourceType: "docker", dockerImage: OLD_IMAGE });
    const { registry, repo, sha } = await target(scenario.stage);
    const image = `${registry}/${repo}:${sha}`;
    const tmp = await tempDir("cancel-tmpdir");
    const outputFile = join(await tempDir("cancel-out"), "dokploy.env");
    const cwd = await clone(scenario.stage);
    const run = await runInterrupted(
      [process.execPath, CLI],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: tmp,
          TMPDIR: tmp,
          DOCKER_HOST: rig.dockerHost,
          BITBUCKET_COMMIT: sha,
          BITBUCKET_BUILD_NUMBER: "7",
          BITBUCKET_REPO_FULL_NAME: "acme/web",
          BITBUCKET_CLONE_DIR: cwd,
          DOKPLOY_URL: standIn().url,
          DOKPLOY_API_KEY: KEY,
          APPLICATION_ID: app.applicationId,
          IMAGE: `${registry}/${repo}`,
          REGISTRY_USERNAME: rig.registryUser,
          REGISTRY_PASSWORD: rig.registryPassword,
          NETWORK: "host",
          VERIFY_PULL: "false",
          OUTPUT_FILE: outputFile,
        },
      },
      interruption(scenario),
    );
    expect(run.interrupted, run.output).toBe(true);
    expect(run.exitCode, run.output).toBe(EXIT[scenario.signals[0] ?? ""]);
    expectLedgerMessage(run.output, scenario.stage, image, scenario.signals[0] ?? "");
    expect(await readdir(tmp)).toEqual([]);
    expect(await filesHolding(cwd, SECRETS)).toEqual([]);
    const outputs = await readFile(outputFile, "utf8");
    expect(outputs).toContain(`DOKPLOY_IMAGE=${image}`);
    if (scenario.stage === "wait") expect(outputs).toContain("DOKPLOY_DEPLOYMENT_STATUS=running");
    await expectStopped(repo, sha, scenario.stage);
  });
});
