/**
 * verify-stable, run against the bundled action and CLI with the stand-in: an image that runs,
 * then exits 1 (swarm marks its task failed and restarts it) is red within the window, and
 * rolled back when asked; without the window it is green, as before; a task that keeps running
 * is green, and says so; a cancelled run leaves the window at once. Nothing is built (build:
 * false), so no Docker engine is needed.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runAction } from "../support/action";
import { DEPLOY_ONLY, dokployOf, useStandIn } from "../support/fixtures";
import { tempDir } from "../support/temp";
import { errorAnnotations } from "../support/workflow-commands";

const API_KEY = `MARKER-STABLE-${randomBytes(8).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY, verifyRegistryLogin: false });
const CLI = process.env.CLI_BUNDLE ?? resolve(import.meta.dirname, "../../dist/cli/index.js");
const IMAGE = "127.0.0.1:1/acme/web";
const OURS = `${IMAGE}:v1`;
const OLD = `${IMAGE}:old`;

/** An application that runs OLD, as after the last deployment. */
function runningApp() {
  const app = standIn().addApplication({ sourceType: "docker", dockerImage: OLD });
  standIn().swarm.deployed(app.appName, OLD);
  return app;
}

function deploy(applicationId: string, inputs: Record<string, string> = {}) {
  return runAction({
    inputs: {
      ...dokployOf(standIn(), API_KEY),
      "application-id": applicationId,
      image: IMAGE,
      ...DEPLOY_ONLY,
      ...inputs,
    },
  });
}

describe("verify-stable (action)", () => {
  it("an image that exits 1 within the window is red, unstable, says the task, swarm's error and the restart, and is rolled back", async () => {
    const app = runningApp();
    standIn().scriptDeployments(app.applicationId, { exitAfterMs: 1000 }, {});
    const run = await deploy(app.applicationId, { "verify-stable": "3", "rollback-on-failure": "true" });
    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.outputs["deployment-status"]).toBe("unstable");
    const error = errorAnnotations(run.stdout);
    expect(error).toMatch(
      /ran, then stopped within verify-stable \(3 s\): task \w+ Failed 2 seconds ago \(task: non-zero exit \(1\)\) after about \d+ s; swarm restarted it 1 time\. See http/,
    );
    expect(error).toContain(`Rolled back to ${OLD}`);
    expect(standIn().applications.get(app.applicationId)?.dockerImage).toBe(OLD);
    expect(run.stdout).toContain("::group::Watch it stay up");
  });

  it("the same image without verify-stable is green, as before: swarm's update was over before it exited", async () => {
    const app = runningApp();
    standIn().scriptDeployments(app.applicationId, { exitAfterMs: 1000 });
    const run = await deploy(app.applicationId, { "rollback-on-failure": "true" });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs["deployment-status"]).toBe("done");
    expect(run.stdout).not.toContain("Watch it stay up");
    expect(standIn().applications.get(app.applicationId)?.dockerImage).toBe(OURS);
  });

  it("a task that keeps running through a short window is green, and says so", async () => {
    const app = runningApp();
    const run = await deploy(app.applicationId, { "verify-stable": "1" });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs["deployment-status"]).toBe("done");
    expect(run.stdout).toContain(`Stable for 1 s: 1 task of ${OURS} kept running, 0 restarts.`);
    expect(run.summary).toContain("Deployed");
  });

  it("a cancelled run ends the window at once: exit 143, and the window looks no more", async () => {
    const app = runningApp();
    const run = await runAction({
      inputs: {
        ...dokployOf(standIn(), API_KEY),
        "application-id": app.applicationId,
        image: IMAGE,
        ...DEPLOY_ONLY,
        "verify-stable": "60",
        "verify-timeout": "60",
      },
      interruption: { when: /Watching \S+ for 60 s \(verify-stable\)/, signals: ["SIGTERM"], afterMs: 200 },
    });
    expect(run.interrupted).toBe(true);
    expect(run.exitCode, run.stdout).toBe(143);
    expect(run.stdout).toMatch(/^::error::Cancelled \(SIGTERM\)/m);
    // The check looked once, the window's first look is 3 s in; a window that went on would look 20 times.
    expect(standIn().callsOf("docker.getServiceContainersByAppName").length).toBeLessThanOrEqual(2);
    expect(run.stdout).not.toContain("Stable for");
  });
});

describe("verify-stable (CLI, a stack)", () => {
  it("a stack service whose image exits within the window is red, named, and our variables are put back", async () => {
    const env = `GREETING=hello\nIMAGE=${OLD}\nTAG=old\n`;
    const compose = standIn().addCompose({
      composeFile: "services:\n  web:\n    image: ${IMAGE}\n  cache:\n    image: 127.0.0.1:1/redis:7\n",
      env,
    });
    standIn().swarm.deployed(`${compose.appName}_web`, OLD);
    standIn().swarm.deployed(`${compose.appName}_cache`, "127.0.0.1:1/redis:7");
    standIn().scriptDeployments(compose.composeId, { exitAfterMs: 1000 }, {});
    const dir = await tempDir("cli-stable");
    const child = spawn(process.execPath, [CLI], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: dir,
        DOKPLOY_URL: standIn().url,
        DOKPLOY_API_KEY: API_KEY,
        COMPOSE_ID: compose.composeId,
        IMAGE,
        TAG: "v1",
        BUILD: "false",
        VERIFY_PULL: "false",
        VERIFY_STABLE: "3",
        ROLLBACK_ON_FAILURE: "true",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number>((done) => child.on("close", (c) => done(c ?? -1)));
    expect(code, output).toBe(1);
    expect(output).toContain(
      `${OURS} ran, then stopped within verify-stable (3 s): service ${compose.appName}_web of the stack: task `,
    );
    expect(output).toContain("(task: non-zero exit (1))");
    expect(output).toContain("swarm restarted it 1 time");
    expect(output).not.toContain(`${compose.appName}_cache of the stack`);
    expect(output).toContain(`Rolled back to ${OLD}`);
    expect(standIn().composes.get(compose.composeId)?.env).toBe(env);
  });
});
