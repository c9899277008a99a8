/**
 * Runs for one application while the live Dokploy's deployment queue is busy (it runs one
 * deployment at a time; here another application's deploy holds it). For two concurrent runs,
 * a first test sets the scene and checks what Dokploy did; a second asserts what each run
 * reported.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import type { ActionRun } from "../support/action";
import { holdDeploymentQueue, triggered } from "../support/deployment-queue";
import { commitSha, describeLive } from "../support/e2e";
import type { LiveDeployment } from "../support/live-dokploy";
import { startRecordingProxy } from "../support/recording-proxy";

interface Reported {
  readonly run: ActionRun;
  readonly image: string;
  readonly runId: string;
  /** The row of the deployment the run reported, and its log. */
  readonly row: LiveDeployment | undefined;
  readonly log: string;
}

describeLive("two runs for one application behind a busy deployment queue", (e2e) => {
  let twoCommits: Reported[] = [];
  let sameCommit: Reported[] = [];

  /** What each run reported, with the row and log Dokploy holds for that deployment. */
  const reported = async (applicationId: string, runs: [ActionRun, string, string][]) => {
    const rows = await e2e.dokploy.deployments(applicationId);
    return Promise.all(
      runs.map(async ([run, image, runId]) => {
        const row = rows.find((r) => r.deploymentId === run.outputs["deployment-id"]);
        return { run, image, runId, row, log: row ? await e2e.dokploy.deploymentLog(row) : "" };
      }),
    );
  };

  it("a run queued behind another deployment follows its own, not the application's previous one", async () => {
    const app = await e2e.newApp("queued");
    const image = e2e.image("queued");
    const [sha1, sha2] = [commitSha(), commitSha()];
    const first = await e2e.runAction(sha1, e2e.inputs(app, image), { cwd: await e2e.checkout() });
    expect(first.exitCode, first.stdout).toBe(0);
    const proxy = await startRecordingProxy(e2e.live.url);
    e2e.onCleanUp(proxy.stop);
    const release = await holdDeploymentQueue(e2e);

    const second = e2e.runAction(sha2, e2e.inputs(app, image, { "dokploy-url": proxy.url }), {
      cwd: await e2e.checkout(),
      runId: "5005",
    });
    await triggered(proxy, "redeploy", 1, [second]);
    // Dokploy has not started it yet: the run must wait, whatever else the application shows.
    await Promise.race([sleep(2000), second]);
    release();
    const run = await second;

    expect(run.exitCode, run.stdout).toBe(0);
    const [ours, previous] = await e2e.dokploy.deployments(app.applicationId);
    expect([ours?.title, ours?.status, previous?.deploymentId]).toEqual([
      `Deploy ${sha2.slice(0, 7)}`,
      "done",
      first.outputs["deployment-id"],
    ]);
    expect(run.outputs["deployment-id"]).toBe(ours?.deploymentId);
    expect(run.exitedAt).toBeGreaterThanOrEqual(Date.parse(ours?.finishedAt ?? ""));
  });

  it("two commits one second apart: Dokploy runs both deployments, each with the later image", async () => {
    const app = await e2e.newApp("two-commits");
    const image = e2e.image("two-commits");
    const [shaA, shaB] = [commitSha(), commitSha()];
    const proxy = await startRecordingProxy(e2e.live.url);
    e2e.onCleanUp(proxy.stop);
    // deploy (not redeploy) writes the image it pulls into the deployment's log.
    const inputs = e2e.inputs(app, image, { "dokploy-url": proxy.url, "deploy-method": "deploy" });
    const [cwdA, cwdB] = [await e2e.checkout(), await e2e.checkout()];
    const release = await holdDeploymentQueue(e2e);

    const a = e2e.runAction(shaA, inputs, { cwd: cwdA, runId: "5001" });
    await sleep(1000);
    const b = e2e.runAction(shaB, inputs, { cwd: cwdB, runId: "5002" });
    await triggered(proxy, "deploy", 2, [a, b]);
    release();
    const [runA, runB] = await Promise.all([a, b]);

    expect(runA.exitCode, runA.stdout).toBe(0);
    expect(runB.exitCode, runB.stdout).toBe(0);
    const rows = await e2e.dokploy.deployments(app.applicationId);
    expect(rows.map((r) => [r.title, r.status])).toEqual([
      [`Deploy ${shaB.slice(0, 7)}`, "done"],
      [`Deploy ${shaA.slice(0, 7)}`, "done"],
    ]);
    // Dokploy reads the image when a deployment starts: both pulled B's.
    for (const row of rows) expect(await e2e.dokploy.deploymentLog(row)).toContain(`Pulling ${image}:${shaB}`);
    expect((await e2e.dokploy.application(app.applicationId)).dockerImage).toBe(`${image}:${shaB}`);
    twoCommits = await reported(app.applicationId, [
      [runA, `${image}:${shaA}`, "5001"],
      [runB, `${image}:${shaB}`, "5002"],
    ]);
  });

  it("two commits one second apart: each run reports only its own deployment, and the first says it was superseded", () => {
    expect(twoCommits).toHaveLength(2);
    const ids = twoCommits.map((r) => r.run.outputs["deployment-id"]);
    expect(new Set(ids).size).toBe(2);
    for (const { run, image, runId, row, log } of twoCommits) {
      expect(row?.description).toContain(`/actions/runs/${runId}`);
      if (run.outputs["deployment-status"] === "done") expect(log).toContain(`Pulling ${image}`);
    }
    const [first, second] = twoCommits;
    expect(first?.run.outputs["deployment-status"]).toBe("superseded");
    expect(first?.run.stdout).toContain(`the application now holds ${second?.image ?? ""}`);
    expect(second?.run.outputs["deployment-status"]).toBe("done");
  });

  it("the same commit twice: Dokploy runs two deployments with the same title", async () => {
    const app = await e2e.newApp("same-commit");
    const image = e2e.image("same-commit");
    const sha = commitSha();
    const proxy = await startRecordingProxy(e2e.live.url);
    e2e.onCleanUp(proxy.stop);
    const inputs = e2e.inputs(app, image, { "dokploy-url": proxy.url });
    const cwd = await e2e.checkout();
    const release = await holdDeploymentQueue(e2e);

    // A re-run: the second starts once the first has triggered (and so pushed and checked its image).
    const a = e2e.runAction(sha, inputs, { cwd, runId: "5003" });
    await triggered(proxy, "redeploy", 1, [a]);
    const b = e2e.runAction(sha, inputs, { cwd, runId: "5004" });
    await triggered(proxy, "redeploy", 2, [a, b]);
    release();
    const [runA, runB] = await Promise.all([a, b]);

    expect(runA.exitCode, runA.stdout).toBe(0);
    expect(runB.exitCode, runB.stdout).toBe(0);
    const rows = await e2e.dokploy.waitForDeployments(app.applicationId, (r) => r.every((d) => d.status !== "running"));
    const title = `Deploy ${sha.slice(0, 7)}`;
    expect(rows.map((r) => [r.title, r.status])).toEqual([
      [title, "done"],
      [title, "done"],
    ]);
    expect(rows.map((r) => /runs\/(\d+)/.exec(r.description ?? "")?.[1])).toEqual(["5004", "5003"]);
    sameCommit = await reported(app.applicationId, [
      [runA, `${image}:${sha}`, "5003"],
      [runB, `${image}:${sha}`, "5004"],
    ]);
  });

  it("the same commit twice: each run reports its own deployment", () => {
    expect(sameCommit).toHaveLength(2);
    const ids = sameCommit.map((r) => r.run.outputs["deployment-id"]);
    expect(new Set(ids).size).toBe(2);
    for (const { run, runId, row } of sameCommit) {
      expect(row?.description).toContain(`/actions/runs/${runId}`);
      expect(run.outputs["deployment-status"]).toBe("done");
    }
  });
});
