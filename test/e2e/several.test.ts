/**
 * Two applications from one build on a live Dokploy: one build and push, both pointed,
 * triggered and followed at once, both running our digest; when one of them fails, the step is
 * red and both are rolled back to what they ran.
 */
import { expect, it } from "vitest";
import { type E2E, commitSha, describeLive } from "../support/e2e";
import type { LiveApplication } from "../support/live-dokploy";
import { newAppIn, newProject, suffix } from "../support/live-targets";

/** Exits at once when the image has /broken (the next commit's bug), else keeps running. */
const GUARDED = "if [ -f /broken ]; then echo broken; exit 3; fi; trap 'exit 0' TERM; sleep 86400 & wait";

interface Target {
  readonly kind: string;
  readonly id: string;
  readonly name: string;
  readonly "deployment-id": string;
  readonly "deployment-status": string;
}

type NamedApp = LiveApplication & { readonly name: string };

async function twoApps(e2e: E2E, label: string): Promise<[NamedApp, NamedApp]> {
  const project = await newProject(e2e, label);
  const tag = suffix();
  const web = await newAppIn(e2e, project, `web-${tag}`);
  const worker = await newAppIn(e2e, project, `worker-${tag}`);
  // The worker runs the same image with its own command, as a web process and a worker do.
  await e2e.dokploy.updateApplication(worker.applicationId, { command: "/bin/sh", args: ["-c", GUARDED] });
  return [
    { ...web, name: `web-${tag}` },
    { ...worker, name: `worker-${tag}` },
  ];
}

function inputsFor(e2e: E2E, apps: readonly LiveApplication[], image: string, extra: Record<string, string> = {}) {
  return e2e.inputs(apps[0] ?? { applicationId: "" }, image, {
    "application-id": apps.map((a) => a.applicationId).join("\n"),
    ...extra,
  });
}

describeLive("several applications from one build on a live Dokploy", (e2e) => {
  it("one build, both applications deployed at once and verified running our digest", async () => {
    const apps = await twoApps(e2e, "two-apps");
    const image = e2e.image("two-apps");
    const sha = commitSha();

    const run = await e2e.runAction(sha, inputsFor(e2e, apps, image), { cwd: await e2e.checkout() });

    expect(run.exitCode, run.stdout).toBe(0);
    const ref = `${image}:${sha}`;
    expect(run.stdout.match(/^\$ docker (buildx )?build /gm)).toHaveLength(1);
    const targets = JSON.parse(run.outputs.targets ?? "[]") as Target[];
    expect(targets.map((t) => [t.id, t["deployment-status"]])).toEqual(apps.map((a) => [a.applicationId, "done"]));
    for (const [i, app] of apps.entries()) {
      expect((await e2e.dokploy.application(app.applicationId)).dockerImage).toBe(ref);
      const [row] = await e2e.dokploy.deployments(app.applicationId);
      expect(row).toMatchObject({ status: "done", title: `Deploy ${sha.slice(0, 7)}` });
      expect(targets[i]?.["deployment-id"]).toBe(row?.deploymentId);
      expect(await e2e.swarm.waitUntilRunning(app.appName, ref)).toEqual([{ image: ref, state: "running" }]);
    }
    expect(await e2e.swarm.repoDigests(ref)).toContain(`${image}@${run.outputs.digest ?? ""}`);
    expect(run.outputs["deployment-id"]).toBe(targets[0]?.["deployment-id"]);
    expect(run.summary).toContain("| [`web-");
    expect(run.summary).toContain("| [`worker-");
  });

  it("one of them failing makes the step red and rolls back both", async () => {
    const apps = await twoApps(e2e, "two-apps-fail");
    const image = e2e.image("two-apps-fail");
    const first = commitSha();
    const setUp = await e2e.runAction(first, inputsFor(e2e, apps, image), { cwd: await e2e.checkout() });
    expect(setUp.exitCode, setUp.stdout).toBe(0);
    const old = `${image}:${first}`;
    const sha = commitSha();

    const run = await e2e.runAction(sha, inputsFor(e2e, apps, image, { "rollback-on-failure": "true" }), {
      cwd: await e2e.checkout(["RUN touch /broken"]),
    });

    expect(run.exitCode, run.stdout).toBe(1);
    const [web, worker] = apps;
    expect(run.stdout).toContain(`1 of 2 targets failed:%0A- application ${worker.name}`);
    expect(run.stdout).toContain(`${web.name}: Rolled back to ${old}`);
    expect(run.stdout).toContain(`${worker.name}: Rolled back to ${old}`);
    const targets = JSON.parse(run.outputs.targets ?? "[]") as Target[];
    expect(targets.map((t) => t["deployment-status"])).toEqual(["done", "not-running"]);
    for (const app of apps) {
      expect((await e2e.dokploy.application(app.applicationId)).dockerImage).toBe(old);
      const [rollback, ours] = await e2e.dokploy.deployments(app.applicationId);
      expect(rollback).toMatchObject({ status: "done", title: `Rollback to ${old}` });
      expect(ours?.title).toBe(`Deploy ${sha.slice(0, 7)}`);
      expect(await e2e.swarm.waitUntilRunning(app.appName, old)).toEqual([{ image: old, state: "running" }]);
    }
  });
});
