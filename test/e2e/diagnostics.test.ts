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
    // Swarm went back to the first image: what the log shows is not that task's output.
    expect((await e2e.swarm.service(app.appName))?.image).toContain(sha1);
  });
});
