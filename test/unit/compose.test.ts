/**
 * Compose services against the stand-in: the image reaches the compose file through its env
 * (our two variables set, every other line kept), compose.deploy/redeploy carries our title and
 * run token, deployment.allByCompose finds ours, the stack's services are checked, and a rollback
 * puts our variables back (only them).
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FAKE_IMAGE as IMAGE, NO_PULL_CHECK, deployComposeThrough, dokployOf, useStandIn } from "../support/fixtures";
import { DIGEST, SHA, fakeDocker, fakePorts } from "../support/fake-docker";
import { MemoryLogger } from "../support/loggers";
import { type RawInputs, parseConfig, run } from "./imports";

const KEY = "api-key-compose-0123";
const OURS = `${IMAGE}:${SHA}`;
const FILE =
  "services:\n  web:\n    image: ${IMAGE}\n  worker:\n    image: ${IMAGE}\n  cache:\n    image: 127.0.0.1:5000/redis:7\n";
const USER_ENV =
  "# set by hand\nGREETING=hello world\nDATABASE_URL='postgres://db/app'\nIMAGE=127.0.0.1:5000/acme/web:old\nTAG=old\n";
const standIn = useStandIn({ apiKey: KEY, verifyRegistryLogin: false, deployment: { durationMs: 5 } });

/** A stack that runs the old image, as after the user's last deployment. */
function runningStack(env = USER_ENV, file = FILE) {
  const compose = standIn().addCompose({ composeFile: file, env });
  for (const service of ["web", "worker"]) standIn().swarm.deployed(`${compose.appName}_${service}`, `${IMAGE}:old`);
  standIn().swarm.deployed(`${compose.appName}_cache`, "127.0.0.1:5000/redis:7");
  return compose;
}

function deploy(composeId: string, inputs: RawInputs = {}) {
  return deployComposeThrough(standIn(), KEY, composeId, inputs);
}

describe("a compose service", () => {
  it("gets the image through its env, keeps every other variable, and is followed and checked", async () => {
    const compose = runningStack();
    const ran = await deploy(compose.composeId);
    expect(ran.error).toBeUndefined();
    expect(standIn().composes.get(compose.composeId)?.env).toBe(
      `# set by hand\nGREETING=hello world\nDATABASE_URL='postgres://db/app'\nIMAGE=${OURS}\nTAG=${SHA}\n`,
    );
    const [trigger] = standIn().callsOf("compose.redeploy");
    expect(trigger?.input).toMatchObject({ composeId: compose.composeId, title: `Deploy ${SHA.slice(0, 7)}` });
    expect((trigger?.input as { description: string }).description).toMatch(/Run token: [0-9a-f]{12}$/);
    expect(standIn().callsOf("deployment.all")).toEqual([]);
    expect(standIn().callsOf("deployment.allByCompose").length).toBeGreaterThan(1);
    expect(ran.outputs["deployment-status"]).toBe("done");
    expect(ran.outputs["deployment-id"]).toBe(standIn().deployments.get(compose.composeId)?.[0]?.deploymentId);
    expect(ran.outputs["application-url"]).toBe(
      `${standIn().url}/dashboard/project/${compose.environment.projectId}/environment/${compose.environmentId}/services/compose/${compose.composeId}`,
    );
    expect(ran.log).toContain(`Docker Swarm runs ${OURS} for ${compose.appName}_web, ${compose.appName}_worker.`);
    // The live log streamed in.
    expect(ran.log).toContain(`Updating service ${compose.appName}_web`);
    expect(ran.changes).toEqual([
      `compose demo-stack now has IMAGE=${OURS}, TAG=${SHA} in its environment (was IMAGE=${IMAGE}:old, TAG=old; its other variables untouched)`,
      expect.stringMatching(/^redeploy "Deploy 3f2c1ab" \(deployment \S+\) ended done/),
    ]);
  });

  it("image-variable, tag-variable and pin-digest: the names the file uses, the reference with its digest", async () => {
    const compose = runningStack("APP_TAG=old\n", "services:\n  web:\n    image: ${APP_IMAGE}\n");
    const ran = await deploy(compose.composeId, {
      "image-variable": "APP_IMAGE",
      "tag-variable": "APP_TAG",
      "pin-digest": "true",
    });
    expect(ran.error).toBeUndefined();
    expect(standIn().composes.get(compose.composeId)?.env).toBe(`APP_TAG=${SHA}\nAPP_IMAGE=${OURS}@${DIGEST}\n`);
  });

  it("compose.deploy with deploy-method deploy", async () => {
    const compose = runningStack();
    const ran = await deploy(compose.composeId, { "deploy-method": "deploy" });
    expect(ran.error).toBeUndefined();
    expect(standIn().callsOf("compose.deploy")).toHaveLength(1);
  });

  it("a raw compose file that uses neither variable stops the run before anything is pushed or changed", async () => {
    const compose = runningStack(USER_ENV, "services:\n  web:\n    image: 127.0.0.1:5000/acme/web:latest\n");
    const docker = fakeDocker();
    const config = parseConfig(
      { ...dokployOf(standIn(), KEY), "compose-id": compose.composeId, image: IMAGE, ...NO_PULL_CHECK },
      { sha: SHA },
    );
    const outcome = await run(config, fakePorts(docker, new MemoryLogger(), []));
    expect(outcome.error?.message).toContain("its compose file uses neither ${IMAGE} nor ${TAG}");
    expect(docker.calls.map((c) => c.argv[0])).not.toContain("push");
    expect(standIn().writes()).toEqual([]);
  });

  it("a deployment that ends in error is red with its log tail, and rollback puts back our variables only", async () => {
    const compose = runningStack();
    standIn().scriptDeployments(
      compose.composeId,
      {
        outcome: "error",
        durationMs: 300,
        log: [
          "Initializing deployment",
          `${compose.appName}_web: service update paused: update paused due to failure`,
          "Error: ❌ Docker command failed",
          "Error occurred ❌, check the logs for details.",
        ],
      },
      {},
    );
    const running = deploy(compose.composeId, { "rollback-on-failure": "true" });
    // Someone changes another variable while our deployment runs: the rollback keeps that.
    await waitFor(() => standIn().callsOf("compose.redeploy").length === 1);
    const row = standIn().composes.get(compose.composeId)!;
    row.env = (row.env ?? "").replace("GREETING=hello world", "GREETING=changed meanwhile");
    const ran = await running;
    expect(ran.outputs["deployment-status"]).toBe("error");
    expect(ran.error?.message).toMatch(
      /ended with status "error"\.\nLast lines of its log:\n[\s\S]*service update paused/,
    );
    expect(ran.error?.message).toContain(`Rolled back to ${IMAGE}:old`);
    expect(standIn().composes.get(compose.composeId)?.env).toBe(USER_ENV.replace("hello world", "changed meanwhile"));
    const rollback = standIn().callsOf("compose.redeploy")[1]?.input as { title: string };
    expect(rollback.title).toBe(`Rollback to ${IMAGE}:old`);
  });

  it("the values of its env are masked where the deployment prints them, but for our variables", async () => {
    const token = `tok-${randomBytes(12).toString("hex")}`;
    const compose = runningStack(`${USER_ENV}API_TOKEN=${token}\n`);
    const log = [`IMAGE=${OURS}`, `API_TOKEN=${token}`, "GREETING=hello world", "Error occurred ❌"];
    standIn().scriptDeployments(compose.composeId, { outcome: "error", log });
    const ran = await deploy(compose.composeId);
    expect(ran.error?.message).toContain(`Last lines of its log:\nIMAGE=${OURS}\nAPI_TOKEN=***\nGREETING=***\n`);
    // What our variables held is our image, printed on purpose.
    expect(ran.changes[0]).toContain(`(was IMAGE=${IMAGE}:old, TAG=old;`);
    for (const shown of [ran.error?.message ?? "", ran.log, ...ran.changes]) expect(shown).not.toContain(token);
  });

  it("not-running: swarm paused the stack's update; red, naming the service, and rolled back", async () => {
    const compose = runningStack();
    standIn().scriptDeployments(compose.composeId, { swarm: "pauses" }, {});
    const ran = await deploy(compose.composeId, { "rollback-on-failure": "true" });
    expect(ran.outputs["deployment-status"]).toBe("not-running");
    expect(ran.error?.message).toContain(`Docker Swarm paused the update of ${compose.appName}_`);
    expect(ran.error?.message).toContain("task: non-zero exit (3)");
    expect(ran.error?.message).toContain(`Rolled back to ${IMAGE}:old`);
    expect(standIn().composes.get(compose.composeId)?.env).toBe(USER_ENV);
  });

  it("unstable: the stack's services of our image exit within verify-stable; red, naming them, and rolled back", async () => {
    const compose = runningStack();
    standIn().scriptDeployments(compose.composeId, { exitAfterMs: 200 }, {});
    const ran = await deploy(compose.composeId, { "verify-stable": "1", "rollback-on-failure": "true" });
    expect(ran.outputs["deployment-status"]).toBe("unstable");
    expect(ran.error?.message).toMatch(
      /ran, then stopped within verify-stable \(1 s\): service \S+_(web|worker) of the stack: task \w+ Failed 2 seconds ago \(task: non-zero exit \(1\)\)/,
    );
    expect(ran.error?.message).toContain("swarm restarted it 1 time");
    expect(ran.error?.message).not.toContain(`${compose.appName}_cache`);
    expect(ran.error?.message).toContain(`Rolled back to ${IMAGE}:old`);
    expect(standIn().composes.get(compose.composeId)?.env).toBe(USER_ENV);
  });

  it("stable: every service of our image kept running through verify-stable, with one task list per look", async () => {
    const compose = runningStack();
    const ran = await deploy(compose.composeId, { "verify-stable": "0.5" });
    expect(ran.error).toBeUndefined();
    expect(ran.outputs["deployment-status"]).toBe("done");
    expect(ran.log).toContain(`Watching ${compose.appName}_web, ${compose.appName}_worker for 0.5 s (verify-stable)`);
    expect(ran.log).toContain(`Stable for 0.5 s: 2 tasks of ${OURS} kept running, 0 restarts.`);
    // The window's calls follow the check's last look at a task: a spec per service, one task list for both.
    const calls = standIn().callsOf();
    const services = new Set([`${compose.appName}_web`, `${compose.appName}_worker`]);
    const isTask = (c: (typeof calls)[number]) =>
      c.procedure === "docker.getConfig" && !services.has((c.input as { containerId: string }).containerId);
    const window = calls.slice(calls.findLastIndex(isTask) + 1);
    const lists = window.filter((c) => c.procedure === "docker.getStackContainersByAppName").length;
    expect(lists).toBeGreaterThanOrEqual(2);
    expect(window.filter((c) => c.procedure === "docker.getConfig")).toHaveLength(2 * lists);
  });

  it("a stack where no service runs our repository is red: the file does not use the variable", async () => {
    const compose = runningStack("TAG=old\n", "services:\n  web:\n    image: 127.0.0.1:5000/other/app:${TAG}\n");
    const ran = await deploy(compose.composeId);
    expect(ran.outputs["deployment-status"]).toBe("not-running");
    expect(ran.error?.message).toContain(
      `no service of the stack ${compose.appName} runs ${IMAGE} (its services: ${compose.appName}_web)`,
    );
  });

  it("superseded: another run sets the image before our job starts", async () => {
    const compose = runningStack();
    standIn().scriptDeployments(compose.composeId, { startDelayMs: 300 });
    const running = deploy(compose.composeId);
    await waitFor(() => standIn().callsOf("compose.redeploy").length === 1);
    const row = standIn().composes.get(compose.composeId)!;
    row.env = (row.env ?? "").replace(OURS, `${IMAGE}:theirs`);
    const ran = await running;
    expect(ran.error).toBeUndefined();
    expect(ran.outputs["deployment-status"]).toBe("superseded");
    expect(ran.log).toContain(`Superseded: the compose now holds ${IMAGE}:theirs, not ${OURS}`);
  });

  it("by name: project + compose", async () => {
    const project = standIn().addProject("shop");
    const compose = standIn().addCompose({
      name: "stack",
      composeFile: FILE,
      env: USER_ENV,
      ...standIn().placeIn(project),
    });
    const ran = await deploy("", { "compose-id": "", project: "shop", compose: "stack" });
    expect(ran.error).toBeUndefined();
    expect(standIn().composes.get(compose.composeId)?.env).toContain(`IMAGE=${OURS}`);
  });

  it("a compose id that does not exist: the check says so, nothing is pushed", async () => {
    const ran = await deploy("no-such-compose");
    expect(ran.error?.message).toContain(
      `Compose not found (composeId "no-such-compose"; check compose-id: it takes a compose service's ID; an application's goes in application-id)`,
    );
    expect(standIn().writes()).toEqual([]);
  });

  it("an answer about another compose (a cache that ignores the query string) stops the run before any write", async () => {
    const asked = runningStack();
    const other = standIn().addCompose({ name: "other", composeFile: FILE, env: "SECRET_OF_OTHER=1\n" });
    standIn().inject({
      procedure: "compose.one",
      status: 200,
      body: JSON.stringify({ result: { data: { json: other } } }),
    });
    const ran = await deploy(asked.composeId);
    expect(ran.error?.message).toContain(
      `Dokploy compose.one answered about compose ${other.composeId}, not ${asked.composeId} that was asked for.`,
    );
    expect(standIn().writes()).toEqual([]);
    expect(standIn().composes.get(asked.composeId)?.env).toBe(USER_ENV);
  });

  it("a server that echoes the env it was sent in its error does not get the user's variables shown", async () => {
    const secret = `DATABASE_URL="postgres://app:${"s3cr3t".repeat(3)}@db/app"`;
    const compose = runningStack(`${USER_ENV}${secret}\n`);
    standIn().inject({ procedure: "compose.saveEnvironment", status: 400, echoBody: true, times: 5 });
    const ran = await deploy(compose.composeId);
    expect(ran.error?.message).toContain("Dokploy compose.saveEnvironment (HTTP 400): Invalid request: ");
    expect(ran.error?.message).toContain("***");
    for (const shown of [ran.error?.message ?? "", ran.log]) {
      expect(shown).not.toContain("s3cr3t");
      expect(shown).not.toContain("postgres://db/app");
    }
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error("condition not met");
}
