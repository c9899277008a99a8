/**
 * Applications and a stack on a Dokploy remote server (scripts/remote-server.sh: a second engine
 * in swarm mode, reached by Dokploy only over SSH). The step is given no server: Dokploy's
 * application and compose rows carry their serverId. What runs is asserted on the remote engine,
 * and the Dokploy host's swarm has no service of those names.
 */
import { expect, it } from "vitest";
import { commitSha, describeRemote } from "../support/e2e";
import { Swarm } from "../support/swarm";

describeRemote("applications on a Dokploy remote server", (e2e, remote) => {
  const remoteSwarm = new Swarm(remote.dockerHost);

  it("build, push, point, deploy with Dokploy's pull on the server, its live log streamed, and our digest verified running there", async () => {
    const app = await e2e.newApp("remote", remote.serverId);
    expect(app.serverId).toBe(remote.serverId);
    const image = e2e.image("remote");
    const sha = commitSha();

    const run = await e2e.runAction(sha, e2e.inputs(app, image, { "deploy-method": "deploy" }), {
      cwd: await e2e.checkout(),
    });

    expect(run.exitCode, run.stdout).toBe(0);
    const ref = `${image}:${sha}`;
    expect(await e2e.dokploy.application(app.applicationId)).toMatchObject({
      dockerImage: ref,
      serverId: remote.serverId,
    });
    const [row] = await e2e.dokploy.deployments(app.applicationId);
    expect([row?.deploymentId, row?.status]).toEqual([run.outputs["deployment-id"], "done"]);
    // Dokploy's log of the deployment (on the server, read over SSH), every line streamed in order.
    const log = await e2e.dokploy.deploymentLog(row?.deploymentId ?? "");
    expect(log).toContain(`Pulling ${ref}`);
    const lines = log.split("\n").filter((line) => line.trim() !== "");
    const streamed = run.stdout.split("\n").filter((line) => line.startsWith("│") && line.slice(1).trim() !== "");
    expect(streamed.map((line) => line.slice(2))).toEqual(lines);
    expect(run.stdout).toContain(`Docker Swarm runs ${ref}`);
    // The remote engine runs our digest; the Dokploy host's swarm has no such service.
    expect(await remoteSwarm.waitUntilRunning(app.appName, ref)).toEqual([{ image: ref, state: "running" }]);
    expect(await remoteSwarm.repoDigests(ref)).toContain(`${image}@${run.outputs.digest ?? ""}`);
    expect(await e2e.swarm.service(app.appName)).toBeUndefined();
  });
});
