/**
 * Several targets from one build, against the stand-in: one build and push, then every target
 * pointed, triggered and followed at once; green only if all are; outputs per target; when one
 * fails, every target this run changed is rolled back (or only the failed, when asked).
 */
import { describe, expect, it } from "vitest";
import { reportModel } from "../../src/report/model";
import { summaryMarkdown } from "../../src/report/summary";
import { FAKE_IMAGE as IMAGE, FAKE_PUSH, dokployOf, useStandIn } from "../support/fixtures";
import { SHA, fakeDocker, fakePorts } from "../support/fake-docker";
import { MemoryLogger } from "../support/loggers";
import { ConfigError, type RawInputs, outputsOf, parseConfig, run } from "./imports";

const KEY = "api-key-several-0123";
const OURS = `${IMAGE}:${SHA}`;
const OLD = `${IMAGE}:old`;
const standIn = useStandIn({ apiKey: KEY, verifyRegistryLogin: false, deployment: { durationMs: 200 } });

function runningApp(name: string) {
  const app = standIn().addApplication({ name, sourceType: "docker", dockerImage: OLD });
  standIn().swarm.deployed(app.appName, OLD);
  return app;
}

async function deploy(inputs: RawInputs) {
  const logger = new MemoryLogger();
  const docker = fakeDocker();
  const config = parseConfig({ ...dokployOf(standIn(), KEY), ...FAKE_PUSH, ...inputs }, { sha: SHA });
  const outcome = await run(config, fakePorts(docker, logger, []));
  return { ...outcome, config, docker, log: logger.text(), outputs: outputsOf(outcome.result) };
}

describe("several targets", () => {
  it("one build and push, both applications pointed and followed at once, both verified; outputs per target", async () => {
    const web = runningApp("web");
    const worker = runningApp("worker");
    const ran = await deploy({ "application-id": `${web.applicationId}, ${worker.applicationId}` });
    expect(ran.error).toBeUndefined();
    expect(ran.docker.calls.filter((c) => c.argv[0] === "build")).toHaveLength(1);
    expect(ran.docker.calls.filter((c) => c.argv[0] === "push")).toHaveLength(1);
    for (const app of [web, worker]) {
      expect(standIn().applications.get(app.applicationId)?.dockerImage).toBe(OURS);
      expect(ran.log).toContain(`Docker Swarm runs ${OURS} for ${app.appName}`);
    }
    // At once: the second trigger went out before the first deployment (200 ms) was over.
    const triggers = standIn().callsOf("application.redeploy");
    expect(triggers).toHaveLength(2);
    const firstDone = Date.parse(standIn().deployments.get(web.applicationId)?.[0]?.finishedAt ?? "");
    expect(Math.max(...triggers.map((c) => c.at))).toBeLessThan(firstDone);
    const targets = JSON.parse(ran.outputs.targets) as Record<string, unknown>[];
    expect(targets).toEqual([
      expect.objectContaining({ kind: "application", id: web.applicationId, name: "web", "deployment-status": "done" }),
      expect.objectContaining({
        kind: "application",
        id: worker.applicationId,
        name: "worker",
        "deployment-status": "done",
      }),
    ]);
    expect(ran.outputs["deployment-id"]).toBe(targets[0]?.["deployment-id"]);
    expect(ran.outputs["application-url"]).toBe(targets[0]?.url);
    // Each line of a target says which one.
    expect(ran.log).toMatch(/\[worker\] Following deployment/);
    const summary = summaryMarkdown(reportModel(ran.config, ran));
    expect(summary).toContain("## ✅ Deployed: `web` and 1 more");
    expect(summary).toMatch(/\| \[`web`\]\(.*\) \| application \| `\S+` \(`done`\) \|/);
    expect(summary).toMatch(/\| \[`worker`\]\(.*\) \| application \| `\S+` \(`done`\) \|/);
  });

  it("one failing makes the step red and rolls back both", async () => {
    const web = runningApp("web");
    const worker = runningApp("worker");
    standIn().scriptDeployments(worker.applicationId, { outcome: "error" }, {});
    const ran = await deploy({
      "application-id": `${web.applicationId}\n${worker.applicationId}`,
      "rollback-on-failure": "true",
    });
    expect(ran.error?.message).toMatch(
      /^1 of 2 targets failed:\n- application worker: Deployment \S+ of .* ended with status "error"/,
    );
    expect(ran.error?.message).toContain(`web: Rolled back to ${OLD}`);
    expect(ran.error?.message).toContain(`worker: Rolled back to ${OLD}`);
    for (const app of [web, worker]) {
      expect(standIn().applications.get(app.applicationId)?.dockerImage).toBe(OLD);
      expect(standIn().deployments.get(app.applicationId)?.[0]?.title).toBe(`Rollback to ${OLD}`);
    }
    const targets = JSON.parse(ran.outputs.targets) as { "deployment-status": string }[];
    expect(targets.map((t) => t["deployment-status"])).toEqual(["done", "error"]);
    expect(ran.outputs["deployment-status"]).toBe("done");
    const summary = summaryMarkdown(reportModel(ran.config, ran));
    expect(summary).toMatch(/\| \[`worker`\]\(.*\) \| application \| `\S+` \(`error`\) \| `Deployment/);
  });

  it("rollback-targets: failed puts back the failed one only", async () => {
    const web = runningApp("web");
    const worker = runningApp("worker");
    standIn().scriptDeployments(worker.applicationId, { outcome: "error" }, {});
    const ran = await deploy({
      "application-id": `${web.applicationId},${worker.applicationId}`,
      "rollback-on-failure": "true",
      "rollback-targets": "failed",
    });
    expect(ran.error).toBeDefined();
    expect(standIn().applications.get(web.applicationId)?.dockerImage).toBe(OURS);
    expect(standIn().applications.get(worker.applicationId)?.dockerImage).toBe(OLD);
  });

  it("without rollback-on-failure, nothing is put back", async () => {
    const web = runningApp("web");
    const worker = runningApp("worker");
    standIn().scriptDeployments(worker.applicationId, { outcome: "error" });
    const ran = await deploy({ "application-id": `${web.applicationId},${worker.applicationId}` });
    expect(ran.error).toBeDefined();
    expect(standIn().callsOf("application.saveDockerProvider")).toHaveLength(2);
  });

  it("an application and a compose service, by name, from one build", async () => {
    const project = standIn().addProject("shop");
    const web = standIn().addApplication({ name: "web", ...standIn().placeIn(project) });
    const stack = standIn().addCompose({
      name: "jobs",
      composeFile: "services:\n  runner:\n    image: ${IMAGE}\n",
      env: "QUEUE=default\n",
      ...standIn().placeIn(project),
    });
    const ran = await deploy({ project: "shop", application: "web", compose: "jobs" });
    expect(ran.error).toBeUndefined();
    expect(standIn().callsOf("project.all")).toHaveLength(1);
    expect(standIn().applications.get(web.applicationId)?.dockerImage).toBe(OURS);
    expect(standIn().composes.get(stack.composeId)?.env).toBe(`QUEUE=default\nIMAGE=${OURS}\nTAG=${SHA}\n`);
    expect((JSON.parse(ran.outputs.targets) as { kind: string }[]).map((t) => t.kind)).toEqual([
      "application",
      "compose",
    ]);
  });

  it("a target named twice is bad input, before anything is built", async () => {
    const web = runningApp("web");
    expect(() =>
      parseConfig(
        {
          image: IMAGE,
          "dokploy-url": standIn().url,
          "dokploy-api-key": KEY,
          "application-id": `${web.applicationId},${web.applicationId}`,
        },
        { sha: SHA },
      ),
    ).toThrow(/Input "application-id": names "[^"]+" twice/);
    const project = standIn().addProject("shop");
    const named = standIn().addApplication({ name: "web", ...standIn().placeIn(project) });
    const ran = await deploy({ "application-id": named.applicationId, project: "shop", application: "web" });
    expect(ran.error).toBeInstanceOf(ConfigError);
    expect(ran.error?.message).toContain(`names application ${named.applicationId} twice`);
    expect(ran.docker.calls.map((c) => c.argv[0])).not.toContain("build");
  });
});
