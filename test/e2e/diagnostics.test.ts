/**
 * A red deploy carries its evidence, against a live Dokploy: what the container itself printed
 * reaches the CI log and the job summary, read through Dokploy from the task that failed (not
 * the old one swarm went back to), with the application's own environment values masked.
 */
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { commitSha, describeLive } from "../support/e2e";
import { errorAnnotations } from "../support/workflow-commands";

describeLive("evidence of a red deploy from a live Dokploy", (e2e) => {
  it("a process that prints a marker and its env, then exits 1: the marker is in the log and the summary, the env value masked", async () => {
    const app = await e2e.newApp("evidence");
    const image = e2e.image("evidence");
    const [sha1, sha2] = [commitSha(), commitSha()];
    const first = await e2e.runAction(sha1, e2e.inputs(app, image), { cwd: await e2e.checkout() });
    expect(first.exitCode, first.stdout).toBe(0);
    const marker = `marker-${randomBytes(6).toString("hex")}`;
    const secret = `s3cr3t-${randomBytes(9).toString("hex")}`;
    // Set in Dokploy by the application's owner: the step never sees it as an input.
    await e2e.dokploy.updateApplication(app.applicationId, { env: `DATABASE_PASSWORD=${secret}\nPORT=3000` });
    const crashing = await e2e.checkout(
      [],
      `["/bin/sh", "-c", "echo ${marker} missing DATABASE_URL; echo password is $DATABASE_PASSWORD; exit 1"]`,
    );

    const run = await e2e.runAction(sha2, e2e.inputs(app, image), { cwd: crashing, runId: "6101" });

    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.outputs["deployment-status"]).toBe("not-running");
    expect(errorAnnotations(run.stdout)).toContain(`${image}:${sha2} is not running`);
    // The failed task's own output, in a collapsed group of the log and in the summary.
    const group = run.stdout.slice(run.stdout.indexOf("::group::What went wrong in"));
    expect(group.slice(0, group.indexOf("::endgroup::")), run.stdout).toMatch(
      new RegExp(`Output of task [0-9a-z]{12} \\(Failed[^\\n]*\\n[^\\n]*${marker} missing DATABASE_URL`),
    );
    expect(group).toMatch(
      /Docker Swarm's tasks of \S+:\n(?:.*\n)*?.*desired shutdown {2}Failed .*task: non-zero exit \(1\)/,
    );
    expect(run.summary).toContain("<details><summary>What went wrong in");
    expect(run.summary).toContain(`${marker} missing DATABASE_URL`);
    // The value the container printed is the one Dokploy holds, masked everywhere.
    expect(run.stdout).toMatch(/password is \*\*\*/);
    expect(run.summary).toMatch(/password is \*\*\*/);
    expect(run.stdout).not.toContain(secret);
    expect(run.summary).not.toContain(secret);
    // Swarm went back to the first image (before v0.29.0 it pauses the update on ours instead):
    // what the log shows is not the first image's output.
    const service = await e2e.swarm.service(app.appName);
    if (e2e.swarmRollsBack) expect(service?.image).toContain(sha1);
    else expect([service?.image, service?.updateState]).toEqual([`${image}:${sha2}`, "paused"]);
  });
});

describeLive("verify-stable on a live Dokploy", (e2e) => {
  it("a process that runs 8 s and exits 1: red with verify-stable 20s, restarts reported, rolled back; green without it, as before", async () => {
    const app = await e2e.newApp("stable");
    const image = e2e.image("stable");
    const [sha1, sha2] = [commitSha(), commitSha()];
    const [ref1, ref2] = [`${image}:${sha1}`, `${image}:${sha2}`];
    const first = await e2e.runAction(sha1, e2e.inputs(app, image), { cwd: await e2e.checkout() });
    expect(first.exitCode, first.stdout).toBe(0);
    const marker = `stable-${randomBytes(6).toString("hex")}`;
    const dying = await e2e.checkout(
      [],
      `["/bin/sh", "-c", "echo ${marker} up; sleep 8; echo ${marker} down; exit 1"]`,
    );

    const watched = await e2e.runAction(
      sha2,
      e2e.inputs(app, image, { "verify-stable": "20s", "rollback-on-failure": "true" }),
      { cwd: dying, runId: "6201" },
    );

    expect(watched.exitCode, watched.stdout).toBe(1);
    expect(watched.outputs["deployment-status"]).toBe("unstable");
    const error = errorAnnotations(watched.stdout);
    expect(error).toMatch(
      new RegExp(`${ref2.replace(/[.]/g, "\\.")} ran, then stopped within verify-stable \\(20 s\\): task \\S+ Failed`),
    );
    expect(error).toContain("task: non-zero exit (1)");
    expect(error).toMatch(/swarm (restarted it \d+ times?|has not restarted it)/);
    expect(error).toContain(`Rolled back to ${ref1}`);
    // The evidence: what the task printed before it died.
    expect(watched.stdout).toContain(`${marker} down`);
    expect((await e2e.dokploy.application(app.applicationId)).dockerImage).toBe(ref1);
    expect(await e2e.swarm.waitUntilRunning(app.appName, ref1)).toEqual([{ image: ref1, state: "running" }]);

    // The same image without the window: swarm's update is over before the process exits.
    const unwatched = await e2e.runAction(sha2, e2e.inputs(app, image, { build: "false" }), {
      cwd: dying,
      runId: "6202",
    });
    expect(unwatched.exitCode, unwatched.stdout).toBe(0);
    expect(unwatched.outputs["deployment-status"]).toBe("done");
    expect(unwatched.stdout).toContain(`${ref2} is live`);
  });

  it("a healthy process with verify-stable 15s: green, and the run watched it that long", async () => {
    const app = await e2e.newApp("stable-ok");
    const image = e2e.image("stable-ok");
    const sha = commitSha();

    const run = await e2e.runAction(sha, e2e.inputs(app, image, { "verify-stable": "15s" }), {
      cwd: await e2e.checkout(),
    });

    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs["deployment-status"]).toBe("done");
    expect(run.stdout).toContain(`Stable for 15 s: 1 task of ${image}:${sha} kept running, 0 restarts.`);
    const watched = /\| `Watch it stay up` \| (\d+\.\d) \|/.exec(run.summary)?.[1];
    expect(Number(watched), run.summary).toBeGreaterThanOrEqual(15);
    const ref = `${image}:${sha}`;
    expect(await e2e.swarm.waitUntilRunning(app.appName, ref)).toEqual([{ image: ref, state: "running" }]);
  });
});
