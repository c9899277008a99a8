/**
 * A whole run against the stand-in, from Dokploy's side: what it checks, when it may push and
 * write, the order of its writes, and what a failed run says it changed.
 */
import { describe, expect, it } from "vitest";
import { type FakeDocker, DIGEST, SHA, fakeDocker } from "../support/fake-docker";
import { PUSH_PASSWORD } from "../support/fixtures";
import { useRunHarness } from "../support/run-harness";
import {
  answered,
  docker as anyDocker,
  ended,
  expectAllBefore,
  expectBefore,
  marked,
  requested,
  started,
  writeRequested,
} from "../support/timeline";
import { type Exec, outputsOf, run } from "./imports";

const h = useRunHarness();

/** The argv heads of the commands that ran, sorted: which ran, not in what order. */
const commands = (docker: FakeDocker) => docker.calls.map((c) => c.argv.slice(0, 2).join(" ")).sort();

describe("run", () => {
  it("runs the buildx probe, the login, the cache question, the build and a push per tag, in a temporary docker config removed at the end", async () => {
    const app = h.standIn.addApplication();
    const docker = fakeDocker();
    const outcome = await run(
      h.config(app.applicationId, { "dokploy-registry": "true", "extra-tags": "latest" }),
      h.ports(docker),
    );
    expect(outcome.error).toBeUndefined();
    expect(commands(docker)).toEqual(
      [
        "buildx version",
        "login 127.0.0.1:5000",
        // cache: auto asks whether the engine holds images of the repository (here it does).
        "images --quiet",
        "build --tag",
        `push 127.0.0.1:5000/acme/web:${SHA}`,
        "push 127.0.0.1:5000/acme/web:latest",
      ].sort(),
    );
    const login = docker.calls.find((c) => c.argv[0] === "login");
    expect(login?.input).toBe(PUSH_PASSWORD);
    expect(login?.env).toEqual({ DOCKER_CONFIG: "/tmp/fake-docker-config" });
    expect(h.removed).toEqual(["/tmp/fake-docker-config"]);
    const t = h.timeline;
    expectAllBefore(t, ended("buildx", "version"), started("build"), "the builder is known before the build");
    expectAllBefore(t, ended("images"), started("build"), "the cache is chosen before the build");
    expectAllBefore(t, ended("build"), started("push"), "what is pushed was built");
    expectAllBefore(t, ended("login"), started("push"), "the login is done before the push");
    expectAllBefore(t, anyDocker, marked("removed"), "the temporary docker config is removed at the end");
    expect(outputsOf(outcome.result)).toMatchObject({
      image: `127.0.0.1:5000/acme/web:${SHA}`,
      digest: DIGEST,
      "image-ref-digest": `127.0.0.1:5000/acme/web@${DIGEST}`,
      "deployment-status": "done",
    });
  });

  it("pushes once Dokploy answered, writes once pushed: registry entry, provider, snapshot, redeploy; then only follows and verifies", async () => {
    const app = h.standIn.addApplication();
    // Time for what is sent too early to show: answers that come late, pushes that take a while.
    const late = {
      "application.one": 100,
      "settings.getDokployVersion": 100,
      "registry.create": 50,
      "application.saveDockerProvider": 50,
      "deployment.all": 50,
    };
    for (const [procedure, delayMs] of Object.entries(late)) h.standIn.inject({ procedure, delayMs });
    const outcome = await run(
      h.config(app.applicationId, { "dokploy-registry": "true", "extra-tags": "latest" }),
      h.ports(fakeDocker(), (argv) => (argv[0] === "push" ? 100 : 5)),
    );
    expect(outcome.error).toBeUndefined();
    const t = h.timeline;
    const save = "application.saveDockerProvider";
    const redeploy = requested("application.redeploy");
    expectBefore(t, answered("application.one"), started("push"), "nothing is pushed before Dokploy answered");
    // The version matters to following the deployment: a server too old is refused before the push.
    expectBefore(t, answered("settings.getDokployVersion"), started("push"), "the version is read before the push");
    expectAllBefore(t, ended("push"), writeRequested, "no Dokploy write before every push succeeded");
    expectBefore(
      t,
      answered("registry.all"),
      requested("registry.create"),
      "the registry entries are read before one is created",
    );
    expectAllBefore(
      t,
      answered("registry.create"),
      requested(save),
      "the registry entry exists before the application points at the image",
    );
    expectAllBefore(t, answered(save), redeploy, "the application points at the image before the redeploy");
    expectBefore(t, answered("deployment.all"), redeploy, "the deployments are read before the redeploy");
    // Then it follows the deployment, and checks what runs once Dokploy says done.
    const procedures = h.standIn.calls.map((c) => c.procedure);
    const after = procedures.slice(procedures.indexOf("application.redeploy") + 1);
    // Following reads the deployments, then the rest of the log once it is done.
    const following = new Set(["deployment.all", "deployment.readLogs"]);
    const verification = after.filter((p) => !following.has(p));
    expect(verification.sort()).toEqual([
      "application.one",
      "docker.getConfig",
      "docker.getConfig",
      "docker.getServiceContainersByAppName",
    ]);
    expect(after.lastIndexOf("deployment.readLogs")).toBeGreaterThan(after.lastIndexOf("deployment.all"));
    expect(after.lastIndexOf("deployment.readLogs")).toBeLessThan(after.findIndex((p) => !following.has(p)));
    expect(outputsOf(outcome.result)).toMatchObject({ "deployment-status": "done" });
  });

  it("never touches Dokploy's write side after a failed push, and still removes the docker config", async () => {
    const app = h.standIn.addApplication();
    const outcome = await run(
      h.config(app.applicationId, { "dokploy-registry": "true" }),
      h.ports(fakeDocker({ fail: "push" })),
    );
    expect(outcome.error?.message).toMatch(/docker push .* failed/);
    expect(h.standIn.calls.map((c) => c.procedure).sort()).toEqual(["application.one", "settings.getDokployVersion"]);
    expect(h.removed).toHaveLength(1);
  });

  it("never redeploys after a failed saveDockerProvider", async () => {
    const app = h.standIn.addApplication();
    h.standIn.inject({ procedure: "application.saveDockerProvider", status: 500, times: 5 });
    const outcome = await run(h.config(app.applicationId), h.ports(fakeDocker()));
    expect(outcome.error?.message).toContain("application.saveDockerProvider (HTTP 500)");
    expect(h.standIn.callsOf("application.redeploy")).toEqual([]);
    expect(h.standIn.callsOf("application.deploy")).toEqual([]);
  });

  it("stops the build and pushes nothing when the preflight fails", async () => {
    const docker = fakeDocker();
    const outcome = await run(h.config("missing-app"), h.ports(docker));
    expect(outcome.error?.message).toContain("Application not found");
    expect(docker.calls.map((c) => c.argv[0])).not.toContain("push");
    expect(h.removed).toHaveLength(1);
    expect(h.standIn.writes()).toEqual([]);
  });

  it("reports the preflight's error when it stopped a running build", async () => {
    const docker = fakeDocker();
    const slow: Exec = (file, args, opts) =>
      args[0] === "build"
        ? new Promise((resolve) => {
            opts?.signal?.addEventListener("abort", () => {
              resolve({ exitCode: 143, stdout: "", stderr: "terminated" });
            });
          })
        : docker.exec(file, args, opts);
    const outcome = await run(h.config("missing-app"), { ...h.ports(docker), exec: slow });
    expect(outcome.error?.message).toContain("Application not found");
    expect(outcome.error?.message).not.toContain("docker build failed");
  });

  it("fails on a deployment that ends in error, with its id and status in the outputs", async () => {
    const app = h.standIn.addApplication();
    h.standIn.scriptDeployments(app.applicationId, { outcome: "error", durationMs: 5 });
    const outcome = await run(h.config(app.applicationId), h.ports(fakeDocker()));
    expect(outcome.error?.message).toMatch(/ended with status "error"/);
    expect(outcome.result.deploymentStatus).toBe("error");
    expect(outcome.result.deploymentId).toBe(h.standIn.deployments.get(app.applicationId)?.[0]?.deploymentId);
  });

  it("prints the whole log when its last lines reach the socket after the deployment is done (a remote server's log over SSH)", async () => {
    const app = h.standIn.addApplication();
    const log = ["Initializing deployment", "Pulling the image", "Starting the service", "Docker Deployed: ✅"];
    h.standIn.scriptDeployments(app.applicationId, { durationMs: 200, logLagMs: 400, log });
    const outcome = await run(h.config(app.applicationId), h.ports(fakeDocker()));
    expect(outcome.error).toBeUndefined();
    const printed = h.logger.lines.filter((l) => l.startsWith("info: │ ")).map((l) => l.slice("info: │ ".length));
    expect(printed).toEqual(log);
    expect(h.standIn.callsOf("deployment.readLogs")).toHaveLength(1);
  });

  it("does not wait with wait: false", async () => {
    const app = h.standIn.addApplication();
    const outcome = await run(h.config(app.applicationId, { wait: "false" }), h.ports(fakeDocker()));
    expect(outcome.error).toBeUndefined();
    expect(outcome.result.deploymentStatus).toBe("queued");
    // One snapshot before the trigger, no following after it.
    expect(h.standIn.callsOf("deployment.all")).toHaveLength(1);
    expect(h.standIn.calls.at(-1)?.procedure).toBe("application.redeploy");
  });

  it("saves <image>:<tag>@<digest> with pin-digest", async () => {
    const app = h.standIn.addApplication();
    const outcome = await run(h.config(app.applicationId, { "pin-digest": "true" }), h.ports(fakeDocker()));
    expect(outcome.error).toBeUndefined();
    expect(h.standIn.callsOf("application.saveDockerProvider")[0]?.input).toMatchObject({
      dockerImage: `127.0.0.1:5000/acme/web:${SHA}@${DIGEST}`,
    });
  });
});

describe("what a failed run says it changed", () => {
  it("says the application was switched to the new image, and not redeployed, when the snapshot fails after the save", async () => {
    const app = h.standIn.addApplication({ sourceType: "docker", dockerImage: "127.0.0.1:5000/acme/web:old" });
    h.standIn.inject({ procedure: "deployment.all", status: 400, body: "{}" });
    const outcome = await run(h.config(app.applicationId), h.ports(fakeDocker()));
    expect(h.standIn.callsOf("application.saveDockerProvider").map((c) => c.status)).toEqual([200]);
    expect(h.standIn.callsOf("application.redeploy")).toEqual([]);
    expect(outcome.error?.message).toContain(
      `application ${app.name} now points at 127.0.0.1:5000/acme/web:${SHA} (was 127.0.0.1:5000/acme/web:old)`,
    );
    expect(outcome.error?.message).toContain("no deployment was triggered");
    expect(outcome.changes).toEqual([
      `application ${app.name} now points at 127.0.0.1:5000/acme/web:${SHA} (was 127.0.0.1:5000/acme/web:old)`,
    ]);
  });

  it("says nothing was changed in Dokploy when the push fails", async () => {
    const app = h.standIn.addApplication();
    const outcome = await run(h.config(app.applicationId), h.ports(fakeDocker({ fail: "push" })));
    expect(outcome.error?.message).toContain("Nothing was changed in Dokploy.");
    expect(outcome.changes).toEqual([]);
  });

  it("names the deployment it triggered and how it ended, and the rollback, when the deployment fails", async () => {
    const app = h.standIn.addApplication({ sourceType: "docker", dockerImage: "127.0.0.1:5000/acme/web:old" });
    h.standIn.scriptDeployments(app.applicationId, { outcome: "error", durationMs: 5 }, { outcome: "done" });
    const outcome = await run(h.config(app.applicationId, { "rollback-on-failure": "true" }), h.ports(fakeDocker()));
    const changes = outcome.changes.join("\n");
    expect(changes).toContain(`now points at 127.0.0.1:5000/acme/web:${SHA}`);
    expect(changes).toMatch(new RegExp(`redeploy "Deploy ${SHA.slice(0, 7)}" \\(deployment \\S+\\) ended error`));
    expect(changes).toContain("Rolled back to 127.0.0.1:5000/acme/web:old");
  });

  it("stops at once when cancelled before it starts, touching nothing", async () => {
    const app = h.standIn.addApplication();
    const docker = fakeDocker();
    const controller = new AbortController();
    controller.abort("SIGTERM");
    const outcome = await run(h.config(app.applicationId), h.ports(docker), controller.signal);
    expect(outcome.error?.name).toBe("CancelledError");
    expect(outcome.error?.message).toContain("Cancelled (SIGTERM)");
    expect((outcome.error as { exitCode?: number } | undefined)?.exitCode).toBe(143);
    expect(h.standIn.writes()).toEqual([]);
    // It stops after the first stage: no docker config is made, so there is none to remove.
    expect(h.removed).toHaveLength(0);
    expect(docker.calls.filter((c) => c.argv.includes("build"))).toEqual([]);
  });
});
