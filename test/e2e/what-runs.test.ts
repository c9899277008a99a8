/**
 * Green means our image runs, against a live Dokploy: two ways a deployment Dokploy marks `done`
 * does not run the run's image, each checked against what swarm really runs.
 * - Another save lands between our trigger and our job's start (the queue is held so that it
 *   can): Dokploy's job reads the application's image when it starts and runs the other one.
 * - A tag swarm cannot pull, redeployed with verify-pull off: Dokploy says `done`, swarm rolls
 *   the service back to the previous image by itself.
 */
import { expect, it } from "vitest";
import type { ActionRun } from "../support/action";
import { holdDeploymentQueue, triggered } from "../support/deployment-queue";
import { commitSha, describeLive } from "../support/e2e";
import type { LiveApplication } from "../support/live-dokploy";
import { startRecordingProxy } from "../support/recording-proxy";
import { errorAnnotations, readRunnerLog } from "../support/workflow-commands";

/** The ::warning:: annotations of a run's log, as the runner reads them. */
function warnings(run: ActionRun): string {
  return readRunnerLog(run.stdout)
    .commands.filter((c) => c.command === "warning")
    .map((c) => c.data)
    .join("\n");
}

describeLive("what runs after a live Dokploy says done", (e2e) => {
  /** Points the application at `image`, keeping the pull credentials it holds (another run's save). */
  const saveOver = async (app: LiveApplication, image: string) => {
    const saved = await e2e.dokploy.application(app.applicationId);
    await e2e.dokploy.mutate("application.saveDockerProvider", {
      applicationId: app.applicationId,
      dockerImage: image,
      username: saved.username,
      password: saved.password,
      registryUrl: saved.registryUrl,
    });
  };

  it("an image saved over ours before our job starts: Dokploy runs it, the run says superseded and names it (exit 0; 1 with fail-on-superseded)", async () => {
    const [warned, failed] = [await e2e.newApp("swapped"), await e2e.newApp("swapped-fail")];
    const image = e2e.image("swapped");
    const [shaWarned, shaFailed, shaTheirs] = [commitSha(), commitSha(), commitSha()];
    const [oursWarned, oursFailed, theirs] = [
      `${image}:${shaWarned}`,
      `${image}:${shaFailed}`,
      `${image}:${shaTheirs}`,
    ];
    await e2e.pushImage(theirs, await e2e.checkout());
    const proxy = await startRecordingProxy(e2e.live.url);
    e2e.onCleanUp(proxy.stop);
    const [cwdWarned, cwdFailed] = [await e2e.checkout(), await e2e.checkout()];
    const release = await holdDeploymentQueue(e2e);

    const runWarned = e2e.runAction(shaWarned, e2e.inputs(warned, image, { "dokploy-url": proxy.url }), {
      cwd: cwdWarned,
      runId: "5101",
    });
    const runFailed = e2e.runAction(
      shaFailed,
      e2e.inputs(failed, image, { "dokploy-url": proxy.url, "fail-on-superseded": "true" }),
      { cwd: cwdFailed, runId: "5102" },
    );
    await triggered(proxy, "redeploy", 2, [runWarned, runFailed]);
    // Both jobs wait behind the held one: another pipeline saves its image over each.
    await saveOver(warned, theirs);
    await saveOver(failed, theirs);
    release();
    const [a, b] = await Promise.all([runWarned, runFailed]);

    for (const [run, app, sha, ours] of [
      [a, warned, shaWarned, oursWarned],
      [b, failed, shaFailed, oursFailed],
    ] as const) {
      const [row, ...older] = await e2e.dokploy.deployments(app.applicationId);
      expect(older).toEqual([]);
      expect([row?.title, row?.status]).toEqual([`Deploy ${sha.slice(0, 7)}`, "done"]);
      expect(run.outputs["deployment-id"]).toBe(row?.deploymentId);
      expect(run.outputs["deployment-status"], run.stdout).toBe("superseded");
      // What the message names is what swarm runs.
      expect(await e2e.swarm.waitUntilRunning(app.appName, theirs)).toEqual([{ image: theirs, state: "running" }]);
      expect((await e2e.swarm.service(app.appName))?.image).toBe(theirs);
      expect(run.stdout).toContain(`Superseded: the application now holds ${theirs}, not ${ours}`);
      expect(run.stdout).not.toContain(`${ours} is live`);
    }
    expect(a.exitCode, a.stdout).toBe(0);
    expect(warnings(a)).toContain(`the application now holds ${theirs}`);
    expect(errorAnnotations(a.stdout)).toBe("");
    expect(b.exitCode, b.stdout).toBe(1);
    expect(errorAnnotations(b.stdout)).toContain(`the application now holds ${theirs}, not ${oursFailed}`);
    expect(errorAnnotations(b.stdout)).toContain("(fail-on-superseded)");
  });

  it("a tag swarm cannot pull, redeployed with verify-pull off: Dokploy says done, swarm rolls back (pauses before v0.29.0), the run fails not-running and says what swarm did", async () => {
    const app = await e2e.newApp("unpullable");
    const image = e2e.image("unpullable");
    const [sha1, sha2] = [commitSha(), commitSha()];
    const [ref1, ref2] = [`${image}:${sha1}`, `${image}:${sha2}`];
    const first = await e2e.runAction(sha1, e2e.inputs(app, image), { cwd: await e2e.checkout() });
    expect(first.exitCode, first.stdout).toBe(0);
    expect(await e2e.swarm.waitUntilRunning(app.appName, ref1)).toEqual([{ image: ref1, state: "running" }]);

    // Nothing is pushed under sha2: build off, and no pull check to stop the run before Dokploy.
    const run = await e2e.runAction(sha2, e2e.inputs(app, image, { build: "false", "verify-pull": "false" }), {
      cwd: await e2e.checkout(),
      runId: "5201",
    });

    const [row] = await e2e.dokploy.deployments(app.applicationId);
    expect([row?.title, row?.status]).toEqual([`Deploy ${sha2.slice(0, 7)}`, "done"]);
    expect((await e2e.dokploy.application(app.applicationId)).dockerImage).toBe(ref2);
    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.outputs["deployment-id"]).toBe(row?.deploymentId);
    expect(run.outputs["deployment-status"]).toBe("not-running");
    const error = errorAnnotations(run.stdout);
    expect(error).toContain(`Dokploy says the deployment is done, but ${ref2} is not running`);
    expect(run.stdout).not.toContain(`${ref2} is live`);
    const service = await e2e.swarm.service(app.appName);
    if (!e2e.swarmRollsBack) {
      // The update is paused on the tag it cannot pull; the first image's task runs on.
      expect(error).toContain(`Docker Swarm paused the update of ${app.appName} (update paused due to failure`);
      expect(error).toContain(`Swarm says: No such image: ${ref2}`);
      expect([service?.image, service?.updateState]).toEqual([ref2, "paused"]);
      expect(await e2e.swarm.waitUntilRunning(app.appName, ref1)).toEqual([{ image: ref1, state: "running" }]);
      return;
    }
    // The image the message names is the one swarm went back to and runs.
    const named = /rolled the service back to (\S+) \(/.exec(error)?.[1];
    expect(named?.startsWith(ref1), error).toBe(true);
    expect(service?.image).toBe(named);
    expect(service?.updateState).toMatch(/^rollback_/);
    expect(await e2e.swarm.waitUntilRunning(app.appName, named ?? "")).toEqual([{ image: named, state: "running" }]);
  });
});
