/**
 * Applications and a stack on a Dokploy remote server (scripts/remote-server.sh: a second engine
 * in swarm mode, reached by Dokploy only over SSH). The step is not told where they run: Dokploy's
 * application and compose rows carry their serverId. Only the registry entry the stack is pulled
 * with names the server (server-id), as Dokploy logs in there when it makes one. What runs is
 * asserted on the remote engine, and the Dokploy host's swarm has no service of those names.
 */
import { dirname } from "node:path";
import { expect, it } from "vitest";
import { commitSha, describeRemote } from "../support/e2e";
import { freePort } from "../support/rig";
import { compose, composeDeployments, newAppIn, newProject, newStack, suffix } from "../support/live-targets";
import { Swarm } from "../support/swarm";

/** The lines of Dokploy's log the run streamed (each behind "│ "), empty ones left out. */
function streamed(stdout: string): string[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("│") && line.slice(1).trim() !== "")
    .map((line) => line.slice(2));
}

function nonEmpty(log: string): string[] {
  return log.split("\n").filter((line) => line.trim() !== "");
}

interface Target {
  readonly id: string;
  readonly "deployment-status": string;
}

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
    const log = row ? await e2e.dokploy.deploymentLog(row) : "";
    expect(log).toContain(`Pulling ${ref}`);
    expect(streamed(run.stdout)).toEqual(nonEmpty(log));
    expect(run.stdout).toContain(`Docker Swarm runs ${ref}`);
    // The remote engine runs our digest; the Dokploy host's swarm has no such service.
    expect(await remoteSwarm.waitUntilRunning(app.appName, ref)).toEqual([{ image: ref, state: "running" }]);
    expect(await remoteSwarm.repoDigests(ref)).toContain(`${image}@${run.outputs.digest ?? ""}`);
    expect(await e2e.swarm.service(app.appName)).toBeUndefined();
  });

  it("the health URL answers from the container the server runs", async () => {
    const app = await e2e.newApp("remote-health", remote.serverId);
    const image = e2e.image("remote-health");
    const sha = commitSha();
    const port = await freePort();
    // Host networking on the server's engine: the container answers on this machine's loopback.
    await e2e.dokploy.updateApplication(app.applicationId, {
      networkSwarm: [{ Target: "host" }],
      updateConfigSwarm: { Parallelism: 1, Order: "stop-first" },
    });
    const cwd = await e2e.checkout(
      [`RUN mkdir /www && echo "build ${sha}" > /www/index.html`],
      `["/bin/busybox", "httpd", "-f", "-p", "127.0.0.1:${String(port)}", "-h", "/www"]`,
    );

    const run = await e2e.runAction(
      sha,
      e2e.inputs(app, image, {
        "health-url": `http://127.0.0.1:${String(port)}/`,
        "health-contains": `build ${sha}`,
        "health-timeout": "60",
        "health-interval": "0.5",
      }),
      { cwd },
    );

    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.health).toMatch(/^200 in \d+ ms$/);
    const ref = `${image}:${sha}`;
    expect(await remoteSwarm.waitUntilRunning(app.appName, ref)).toEqual([{ image: ref, state: "running" }]);
  });

  it("one build: an application on the Dokploy host by id and one on the server by name, both running our digest", async () => {
    const local = await e2e.newApp("host-and-remote");
    // Names resolve through project.all whatever server the service lives on.
    const project = await newProject(e2e, "remote-names");
    const name = `web-${suffix()}`;
    const onServer = await newAppIn(e2e, project, name, remote.serverId);
    const image = e2e.image("host-and-remote");
    const sha = commitSha();
    const apps = [local, onServer];

    const run = await e2e.runAction(sha, e2e.inputs(local, image, { project: project.name, application: name }), {
      cwd: await e2e.checkout(),
    });

    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain(`application "${name}" in ${project.name}/production is ${onServer.applicationId}`);
    const ref = `${image}:${sha}`;
    expect(run.stdout.match(/^\$ docker (buildx )?build /gm)).toHaveLength(1);
    const targets = JSON.parse(run.outputs.targets ?? "[]") as Target[];
    expect(targets.map((t) => [t.id, t["deployment-status"]])).toEqual(apps.map((a) => [a.applicationId, "done"]));
    const digest = `${image}@${run.outputs.digest ?? ""}`;
    for (const [swarm, app, other] of [
      [e2e.swarm, local, remoteSwarm],
      [remoteSwarm, onServer, e2e.swarm],
    ] as const) {
      expect((await e2e.dokploy.application(app.applicationId)).dockerImage).toBe(ref);
      expect(await swarm.waitUntilRunning(app.appName, ref)).toEqual([{ image: ref, state: "running" }]);
      expect(await swarm.repoDigests(ref)).toContain(digest);
      expect(await other.service(app.appName)).toBeUndefined();
    }
  });

  it("a stack on the server: the step sets its image, Dokploy deploys it there, the server's swarm runs our digest", async () => {
    const project = await newProject(e2e, "remote-stack");
    const image = e2e.image("remote-stack");
    // Dokploy runs `env -i … docker stack deploy` on the server: the engine and the logins the
    // test setup keeps beside it come through the compose's env (see compose.test.ts).
    const socket = remote.dockerHost.replace(/^unix:\/\//, "");
    const env = `DOCKER_HOST=${remote.dockerHost}\nDOCKER_CONFIG=${dirname(socket)}/docker-config\nIMAGE=\n`;
    const stack = await newStack(e2e, project, {
      name: `stack-${suffix()}`,
      composeFile: "services:\n  web:\n    image: ${IMAGE}\n",
      env,
      serverId: remote.serverId,
    });
    e2e.onCleanUp(() => e2e.dokploy.removeRegistriesFor(e2e.rig.registryHost));
    const sha = commitSha();
    const { "application-id": _id, ...inputs } = e2e.inputs({ applicationId: "" }, image, {
      "compose-id": stack.composeId,
      // The stack is pulled with the server's own login: the registry entry, made for that server, gives it one.
      "dokploy-registry": "true",
      "server-id": remote.serverId,
    });

    const run = await e2e.runAction(sha, inputs, { cwd: await e2e.checkout() });

    expect(run.exitCode, run.stdout).toBe(0);
    const ref = `${image}:${sha}`;
    expect((await compose(e2e, stack.composeId)).env).toBe(env.replace("IMAGE=", `IMAGE=${ref}`) + `TAG=${sha}\n`);
    const [ours] = await composeDeployments(e2e, stack.composeId);
    expect(ours).toMatchObject({ status: "done", title: `Deploy ${sha.slice(0, 7)}` });
    expect(run.outputs["deployment-id"]).toBe(ours?.deploymentId);
    expect(run.stdout).toContain(`Docker Swarm runs ${ref} for ${stack.appName}_web.`);
    // Its log is on the server: streamed live all the same.
    expect(streamed(run.stdout)).toEqual(nonEmpty(ours ? await e2e.dokploy.deploymentLog(ours) : ""));
    const service = `${stack.appName}_web`;
    const pinned = `${ref}@${run.outputs.digest ?? ""}`;
    expect(await remoteSwarm.waitUntilRunning(service, pinned)).toEqual([{ image: pinned, state: "running" }]);
    expect(await e2e.swarm.service(service)).toBeUndefined();
  });
});
