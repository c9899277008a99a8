/**
 * Applications whose tasks run on a worker node of a remote server's swarm (scripts/remote-server.sh
 * joins a third engine to the server's swarm as a worker, drained; these tests make it active and
 * drain it again). The application says where its task goes as a Dokploy user would: a placement
 * constraint (node.role==worker). Dokploy and the step talk only to the manager, over SSH: the task
 * list, the task's image and what it printed come from the manager's store and its log stream of
 * the worker. What runs is asserted on both engines: the worker runs our digest, the manager does not.
 * (This is also the suite's crash-and-rollback test on a remote server: every call there goes over SSH.)
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { commitSha, describeRemote } from "../support/e2e";
import { Swarm } from "../support/swarm";

describeRemote("tasks on a worker node of a remote server", (e2e, remote) => {
  const manager = new Swarm(remote.dockerHost);
  const worker = new Swarm(remote.workerDockerHost);
  let workerNode = "";

  beforeAll(async () => {
    workerNode = await worker.nodeId();
    expect(workerNode, "the worker engine is in no swarm").not.toBe("");
    await manager.docker(["node", "update", "--availability", "active", workerNode]);
  });
  afterAll(async () => {
    if (workerNode) await manager.docker(["node", "update", "--availability", "drain", workerNode]);
  });

  async function workerApp(label: string) {
    const app = await e2e.newApp(label, remote.serverId);
    await e2e.dokploy.updateApplication(app.applicationId, {
      placementSwarm: { Constraints: ["node.role==worker"] },
    });
    return app;
  }

  it("deployed and verified there, then a crashing image red with what its task printed on the worker, rolled back", async () => {
    const app = await workerApp("worker");
    const image = e2e.image("worker");
    const [sha1, sha2] = [commitSha(), commitSha()];
    const [ref1, ref2] = [`${image}:${sha1}`, `${image}:${sha2}`];

    const first = await e2e.runAction(sha1, e2e.inputs(app, image), { cwd: await e2e.checkout() });

    expect(first.exitCode, first.stdout).toBe(0);
    expect(first.stdout).toContain(`Docker Swarm runs ${ref1}`);
    expect(await manager.waitUntilRunning(app.appName, ref1)).toEqual([{ image: ref1, state: "running" }]);
    expect(await manager.taskNodes(app.appName)).toEqual([workerNode]);
    // Only the worker's engine has the container, of the digest the step pushed (the worker pulled it).
    expect(await worker.containerImages(app.appName)).toEqual([ref1]);
    expect(await worker.repoDigests(ref1)).toContain(`${image}@${first.outputs.digest ?? ""}`);
    expect(await manager.containerImages(app.appName)).toEqual([]);

    const marker = `worker-marker-${randomBytes(6).toString("hex")}`;
    const crashing = await e2e.checkout([], `["/bin/sh", "-c", "echo ${marker} cannot start; exit 1"]`);
    const run = await e2e.runAction(sha2, e2e.inputs(app, image, { "rollback-on-failure": "true" }), {
      cwd: crashing,
    });

    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.outputs["deployment-status"]).toBe("not-running");
    expect(run.stdout).toContain(`${ref2} is not running`);
    // Only the worker's engine ran that task: its output came from there, through the manager and Dokploy.
    const group = run.stdout.slice(run.stdout.indexOf("::group::What went wrong in"));
    expect(group.slice(0, group.indexOf("::endgroup::")), run.stdout).toMatch(
      new RegExp(`Output of task [0-9a-z]{12} \\(Failed[^\\n]*\\n[^\\n]*${marker} cannot start`),
    );
    expect(run.summary).toContain(`${marker} cannot start`);
    expect(run.stdout).toContain(`Rolled back to ${ref1}`);
    expect((await e2e.dokploy.application(app.applicationId)).dockerImage).toBe(ref1);
    const rows = await e2e.dokploy.deployments(app.applicationId);
    expect(rows.map((r) => [r.title, r.status])).toEqual([
      [`Rollback to ${ref1}`, "done"],
      [`Deploy ${sha2.slice(0, 7)}`, "done"],
      [`Deploy ${sha1.slice(0, 7)}`, "done"],
    ]);
    expect(await manager.waitUntilRunning(app.appName, ref1)).toEqual([{ image: ref1, state: "running" }]);
    expect(await manager.taskNodes(app.appName)).toEqual([workerNode]);
    expect(await manager.containerImages(app.appName)).toEqual([]);
  });
});
