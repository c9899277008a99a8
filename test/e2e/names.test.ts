/**
 * Targets by name against a live Dokploy: project + application resolve with one read of
 * project.all; a wrong name is bad input (exit 2) with the closest names, before anything is
 * built, pushed or changed.
 */
import { expect, it } from "vitest";
import { commitSha, describeLive } from "../support/e2e";
import { rigRegistry } from "../support/global-setup";
import { newAppIn, newProject, suffix } from "../support/live-targets";
import { registryDigest } from "../support/rig";

describeLive("targets by name against a live Dokploy", (e2e) => {
  it("project + application deploy to the application of that name, and only to it", async () => {
    const project = await newProject(e2e, "names");
    const tag = suffix();
    const web = await newAppIn(e2e, project, `web-${tag}`);
    const worker = await newAppIn(e2e, project, `worker-${tag}`);
    const image = e2e.image("names");
    const sha = commitSha();
    const { "application-id": _id, ...inputs } = e2e.inputs(web, image);

    const run = await e2e.runAction(
      sha,
      { ...inputs, project: project.name, application: `web-${tag}` },
      {
        cwd: await e2e.checkout(),
      },
    );

    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain(`application "web-${tag}" in ${project.name}/production is ${web.applicationId}`);
    const ref = `${image}:${sha}`;
    expect((await e2e.dokploy.application(web.applicationId)).dockerImage).toBe(ref);
    expect((await e2e.dokploy.application(worker.applicationId)).dockerImage).toBeNull();
    expect(await e2e.dokploy.deployments(worker.applicationId)).toEqual([]);
    expect(await e2e.swarm.waitUntilRunning(web.appName, ref)).toEqual([{ image: ref, state: "running" }]);
    expect(run.outputs["deployment-status"]).toBe("done");
  });

  it("a wrong name fails with exit 2 and the closest names, before anything is built or changed", async () => {
    const project = await newProject(e2e, "names-typo");
    const tag = suffix();
    const web = await newAppIn(e2e, project, `web-${tag}`);
    const image = e2e.image("names-typo");
    const sha = commitSha();
    const { "application-id": _id, ...inputs } = e2e.inputs(web, image);

    const run = await e2e.runAction(
      sha,
      { ...inputs, project: project.name, application: `wbe-${tag}` },
      {
        cwd: await e2e.checkout(),
      },
    );

    expect(run.exitCode, run.stdout).toBe(2);
    expect(run.stdout).toContain(
      `Input "application": no application "wbe-${tag}" in ${project.name}/production. Did you mean "web-${tag}"?`,
    );
    expect(run.stdout).not.toMatch(/docker (buildx )?build/);
    expect(
      await registryDigest(rigRegistry(e2e.rig), image.slice(e2e.rig.registryHost.length + 1), sha),
    ).toBeUndefined();
    expect((await e2e.dokploy.application(web.applicationId)).dockerImage).toBeNull();
    expect(await e2e.dokploy.deployments(web.applicationId)).toEqual([]);
  });
});
