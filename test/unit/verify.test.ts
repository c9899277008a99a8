/**
 * Green means OUR image runs: the run follows its own deployment (a run token in the
 * description, not the commit alone) and, after Dokploy says done, checks the application row
 * and what Docker Swarm runs. Against the stand-in, for what a live server cannot be made to do
 * on demand (precise timing of two runs, a status a future Dokploy might have, an old version,
 * a key without the permission to read Docker).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DokployStandIn, type StandInOptions } from "../support/dokploy-stand-in";
import { SHA, fakeDocker, fakePorts } from "../support/fake-docker";
import { FAKE_IMAGE as IMAGE, FAKE_PUSH, dokployOf } from "../support/fixtures";
import { MemoryLogger } from "../support/loggers";
import { type Config, type RawInputs, UnstableError, outputsOf, parseConfig, run } from "./imports";

const KEY = "api-key-verify-0123";
const OLD = `${IMAGE}:old`;
let standIn: DokployStandIn;

async function start(options: Partial<StandInOptions> = {}): Promise<void> {
  standIn = new DokployStandIn({ apiKey: KEY, verifyRegistryLogin: false, ...options });
  await standIn.start();
}

beforeEach(() => start());
afterEach(async () => {
  await standIn.stop();
});

function config(applicationId: string, inputs: RawInputs = {}, sha = SHA): Config {
  return parseConfig(
    { ...dokployOf(standIn, KEY), "application-id": applicationId, ...FAKE_PUSH, ...inputs },
    { sha, runUrl: "https://ci.example.com/run/1" },
  );
}

function deploy(applicationId: string, inputs: RawInputs = {}, sha = SHA) {
  const logger = new MemoryLogger();
  const outcome = run(config(applicationId, inputs, sha), fakePorts(fakeDocker(), logger, []));
  return outcome.then((o) => ({ ...o, log: logger.text(), outputs: outputsOf(o.result) }));
}

/** An application that ran OLD, deployed once so that swarm runs it. */
async function runningApp() {
  const app = standIn.addApplication({ sourceType: "docker", dockerImage: OLD });
  standIn.swarm.deployed(app.appName, OLD);
  return app;
}

describe("what runs after Dokploy says done", () => {
  it("done: the application holds our image and swarm runs a task of it", async () => {
    const app = await runningApp();
    const run1 = await deploy(app.applicationId);
    expect(run1.error).toBeUndefined();
    expect(run1.outputs["deployment-status"]).toBe("done");
    expect(run1.log).toContain(`Docker Swarm runs ${IMAGE}:${SHA} for ${app.appName}`);
  });

  it("done once swarm runs it: while swarm's update is still in progress after done, the step keeps looking", async () => {
    const app = await runningApp();
    standIn.scriptDeployments(app.applicationId, { swarmUpdateMs: 300 });
    const run1 = await deploy(app.applicationId);
    expect(run1.error).toBeUndefined();
    expect(run1.outputs["deployment-status"]).toBe("done");
    expect(run1.log).toContain(`Docker Swarm runs ${IMAGE}:${SHA} for ${app.appName}`);
    expect(standIn.callsOf("docker.getServiceContainersByAppName").length).toBeGreaterThan(1);
  });

  it("not-running: a tag swarm cannot pull (verify-pull off) ends red, naming the image that runs and swarm's reason, and rolls back when asked", async () => {
    const app = await runningApp();
    standIn.scriptDeployments(app.applicationId, { swarm: "rolls-back" }, {});
    const run1 = await deploy(app.applicationId, { "rollback-on-failure": "true" });
    expect(run1.outputs["deployment-status"]).toBe("not-running");
    expect((run1.error as { exitCode?: number } | undefined)?.exitCode).toBe(1);
    expect(run1.error?.message).toContain(`Dokploy says the deployment is done, but ${IMAGE}:${SHA} is not running`);
    expect(run1.error?.message).toContain(`Docker Swarm rolled the service back to ${OLD}`);
    expect(run1.error?.message).toContain(`No such image: ${IMAGE}:${SHA}`);
    expect(run1.error?.message).toContain(`Rolled back to ${OLD}`);
    expect(standIn.applications.get(app.applicationId)?.dockerImage).toBe(OLD);
  });

  it("superseded: another save before our job starts makes the deployment run the other image; warns, exit 0", async () => {
    const app = await runningApp();
    const theirs = `${IMAGE}:theirs`;
    // Dokploy reads the image when the job starts: a save that comes in between wins.
    standIn.scriptDeployments(app.applicationId, { startDelayMs: 400 });
    const ours = deploy(app.applicationId);
    await waitFor(() => standIn.callsOf("application.redeploy").length === 1);
    standIn.applications.get(app.applicationId)!.dockerImage = theirs;
    const run1 = await ours;
    expect(run1.error).toBeUndefined();
    expect(run1.outputs["deployment-status"]).toBe("superseded");
    expect(run1.log).toContain(`warn: Superseded: the application now holds ${theirs}, not ${IMAGE}:${SHA}`);
    expect(run1.log).not.toContain("is live");
  });

  it("superseded fails with fail-on-superseded, and is never rolled back", async () => {
    const app = await runningApp();
    standIn.scriptDeployments(app.applicationId, { startDelayMs: 400 });
    const ours = deploy(app.applicationId, { "fail-on-superseded": "true", "rollback-on-failure": "true" });
    await waitFor(() => standIn.callsOf("application.redeploy").length === 1);
    standIn.applications.get(app.applicationId)!.dockerImage = `${IMAGE}:theirs`;
    const run1 = await ours;
    expect(run1.error?.message).toContain("fail-on-superseded");
    expect(run1.outputs["deployment-status"]).toBe("superseded");
    expect(standIn.callsOf("application.saveDockerProvider")).toHaveLength(1);
  });

  it("without the permission to read Docker, says so once and trusts the application row", async () => {
    await standIn.stop();
    await start({ dockerReadDenied: true });
    const app = await runningApp();
    const run1 = await deploy(app.applicationId);
    expect(run1.error).toBeUndefined();
    expect(run1.outputs["deployment-status"]).toBe("done");
    expect(run1.log.match(/needs the permission to read Docker/g)).toHaveLength(1);
  });

  it("with verify-running false, trusts Dokploy's done without asking", async () => {
    const app = await runningApp();
    standIn.scriptDeployments(app.applicationId, { swarm: "rolls-back" });
    const run1 = await deploy(app.applicationId, { "verify-running": "false" });
    expect(run1.error).toBeUndefined();
    expect(standIn.callsOf("docker.getConfig")).toEqual([]);
  });
});

describe("verify-stable: watching the service once our image runs", () => {
  it("unstable: a task that exits within the window ends red, with swarm's error and the restart, and is rolled back", async () => {
    const app = await runningApp();
    standIn.scriptDeployments(app.applicationId, { exitAfterMs: 200 }, {});
    const run1 = await deploy(app.applicationId, { "verify-stable": "1", "rollback-on-failure": "true" });
    expect(run1.outputs["deployment-status"]).toBe("unstable");
    expect(run1.error).toBeInstanceOf(UnstableError);
    expect((run1.error as UnstableError).restarts).toBe(1);
    expect(run1.error?.message).toMatch(
      /ran, then stopped within verify-stable \(1 s\): task \w+ Failed 2 seconds ago \(task: non-zero exit \(1\)\) after about \d+ s; swarm restarted it 1 time\. See http/,
    );
    expect(run1.error?.message).toContain(`Rolled back to ${OLD}`);
    expect(standIn.applications.get(app.applicationId)?.dockerImage).toBe(OLD);
    expect(run1.log).not.toContain("is live");
  });

  it("without verify-stable, the same image is green, as before: the step has left when it exits", async () => {
    const app = await runningApp();
    standIn.scriptDeployments(app.applicationId, { exitAfterMs: 200 });
    const run1 = await deploy(app.applicationId);
    expect(run1.error).toBeUndefined();
    expect(run1.outputs["deployment-status"]).toBe("done");
    expect(run1.log).not.toContain("verify-stable");
  });

  it("stable: a task that keeps running through the window is green, and says so", async () => {
    const app = await runningApp();
    const run1 = await deploy(app.applicationId, { "verify-stable": "0.5" });
    expect(run1.error).toBeUndefined();
    expect(run1.outputs["deployment-status"]).toBe("done");
    expect(run1.log).toContain(`Stable for 0.5 s: 1 task of ${IMAGE}:${SHA} kept running, 0 restarts.`);
    expect(run1.result.timings.map((t) => t.step)).toContain("Watch it stay up");
    // It looked at least twice: halfway and at the end.
    expect(standIn.callsOf("docker.getServiceContainersByAppName").length).toBeGreaterThanOrEqual(3);
  });

  it("a later run's image deployed during the window: superseded, not unstable, never rolled back", async () => {
    const app = await runningApp();
    const theirs = `${IMAGE}:theirs`;
    const ours = deploy(app.applicationId, { "verify-stable": "2", "rollback-on-failure": "true" });
    await waitFor(() => standIn.callsOf("docker.getServiceContainersByAppName").length >= 2);
    standIn.applications.get(app.applicationId)!.dockerImage = theirs;
    standIn.swarm.deployed(app.appName, theirs);
    const run1 = await ours;
    expect(run1.error).toBeUndefined();
    expect(run1.outputs["deployment-status"]).toBe("superseded");
    expect(run1.log).toContain(`Superseded: the application now holds ${theirs}`);
    expect(standIn.callsOf("application.saveDockerProvider")).toHaveLength(1);
  });

  it("rolled back by swarm during the window: red, saying so", async () => {
    const app = await runningApp();
    const ours = deploy(app.applicationId, { "verify-stable": "2" });
    await waitFor(() => standIn.callsOf("docker.getServiceContainersByAppName").length >= 2);
    standIn.swarm.deployed(app.appName, OLD);
    const run1 = await ours;
    expect(run1.outputs["deployment-status"]).toBe("unstable");
    expect(run1.error?.message).toContain(`the service is now set to run ${OLD}`);
  });
});

describe("following our own deployment", () => {
  it("two runs of different commits, the later saved before the earlier's job starts: the earlier is superseded, the later done", async () => {
    const app = await runningApp();
    const shaB = "b".repeat(40);
    standIn.scriptDeployments(app.applicationId, { startDelayMs: 300, durationMs: 50 }, { durationMs: 50 });
    const a = deploy(app.applicationId);
    await waitFor(() => standIn.callsOf("application.redeploy").length === 1);
    const b = deploy(app.applicationId, {}, shaB);
    const [runA, runB] = await Promise.all([a, b]);
    expect(runA.outputs["deployment-status"]).toBe("superseded");
    expect(runA.log).toContain(`now holds ${IMAGE}:${shaB}`);
    expect(runB.outputs["deployment-status"]).toBe("done");
    expect(runB.log).toContain(`Docker Swarm runs ${IMAGE}:${shaB}`);
    expect(runA.outputs["deployment-id"]).not.toBe(runB.outputs["deployment-id"]);
  });

  it("two runs of the same commit each follow their own deployment, and neither ends before its own is done", async () => {
    const app = await runningApp();
    standIn.scriptDeployments(app.applicationId, { durationMs: 300 }, { durationMs: 300 });
    const [a, b] = await Promise.all([deploy(app.applicationId), deploy(app.applicationId)]);
    const rows = standIn.deployments.get(app.applicationId) ?? [];
    const ids = [a.outputs["deployment-id"], b.outputs["deployment-id"]];
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) {
      const row = rows.find((r) => r.deploymentId === id);
      expect(row?.status).toBe("done");
      expect(row?.title).toBe(`Deploy ${SHA.slice(0, 7)}`);
      expect(row?.description).toMatch(/Run token: [0-9a-f]{12}$/);
    }
    expect(rows.find((r) => r.deploymentId === ids[0])?.description).not.toBe(
      rows.find((r) => r.deploymentId === ids[1])?.description,
    );
  });

  it("a status this version does not know ends the wait at once, red, without rolling back", async () => {
    const app = await runningApp();
    standIn.scriptDeployments(app.applicationId, { outcome: "success" });
    const run1 = await deploy(app.applicationId, { "rollback-on-failure": "true", "wait-timeout": "600" });
    expect(run1.outputs["deployment-status"]).toBe("unknown");
    expect(run1.error?.message).toContain(
      'has the status "success", which this version of dokploy-deploy does not know',
    );
    expect(standIn.callsOf("application.saveDockerProvider")).toHaveLength(1);
  });

  it.each([
    ["v0.28.7", "true"],
    ["v0.25.11", "false"],
  ])(
    "refuses Dokploy %s (wait: %s) before anything is pushed or changed, naming the oldest it supports and why",
    async (version, wait) => {
      await standIn.stop();
      await start({ version });
      const app = await runningApp();
      const docker = fakeDocker();
      const outcome = await run(config(app.applicationId, { wait }), fakePorts(docker, new MemoryLogger(), []));
      expect(outcome.error?.message).toContain(
        `Dokploy ${version} is older than v0.28.8, the oldest release this step supports: releases before v0.28.7 create a new service without its pull credentials`,
      );
      expect(outcome.error?.message).toContain("v0.28.7 rejects every API key");
      expect(docker.calls.map((c) => c.argv[0])).not.toContain("push");
      expect(standIn.writes()).toEqual([]);
    },
  );

  it("deploys to the oldest supported release, v0.28.8", async () => {
    await standIn.stop();
    await start({ version: "v0.28.8" });
    const app = await runningApp();
    const run1 = await deploy(app.applicationId);
    expect(run1.error).toBeUndefined();
    expect(run1.log).toContain("Dokploy v0.28.8");
  });

  it("goes on, saying so, when Dokploy does not say its version or says one that is not a version", async () => {
    const app = await runningApp();
    standIn.inject({ procedure: "settings.getDokployVersion", status: 403, body: '{"message":"Forbidden"}' });
    const run1 = await deploy(app.applicationId, { wait: "false" });
    expect(run1.error).toBeUndefined();
    expect(run1.log).toMatch(
      /Dokploy did not say its version \(.*\): going on as if it is v0\.28\.8 or newer, the oldest this step supports\./,
    );
    await standIn.stop();
    await start({ version: "canary" });
    const other = await runningApp();
    const run2 = await deploy(other.applicationId, { wait: "false" });
    expect(run2.error).toBeUndefined();
    expect(run2.log).toContain(
      `Dokploy's version "canary" is not one this step can read: going on as if it is v0.28.8 or newer`,
    );
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error("condition not met");
}
