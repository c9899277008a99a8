/**
 * The fault matrix: `node dist/index.js` against the real engine and registry and the Dokploy
 * stand-in, one scenario per row: exit code, message, and the Dokploy calls that happened.
 * Every scenario runs with marker secrets, and none of them may show up anywhere.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { type ActionRun, runAction } from "../support/action";
import type { ApplicationRow } from "../support/dokploy-stand-in";
import { NO_PULL_CHECK, standInInputs, useStandIn } from "../support/fixtures";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const API_KEY = `MARKER-API-${randomBytes(10).toString("hex")}`;
const PULL_PASSWORD = `MARKER-PULL-${randomBytes(10).toString("hex")}`;
const SECRETS = [API_KEY, PULL_PASSWORD, rig.registryPassword];

const standIn = useStandIn({ apiKey: API_KEY });

interface Scenario {
  readonly name: string;
  readonly app?: Partial<ApplicationRow>;
  readonly setup?: (app: ApplicationRow) => void;
  readonly inputs?: Record<string, string>;
  readonly dockerfile?: string;
  readonly exitCode: number;
  /** Must appear in the ::error:: line (or the log, for successes). */
  readonly message?: RegExp;
  readonly check: (app: ApplicationRow, run: ActionRun) => void;
}

const TRPC_ZOD_400 = JSON.stringify({
  error: {
    json: {
      message: JSON.stringify(
        [
          {
            code: "invalid_type",
            expected: "nonoptional",
            path: ["registryUrl"],
            message: "Invalid input: expected nonoptional, received undefined",
          },
        ],
        null,
        2,
      ),
      code: -32600,
      data: {
        code: "BAD_REQUEST",
        httpStatus: 400,
        path: "application.saveDockerProvider",
        zodError: {
          formErrors: [],
          fieldErrors: { registryUrl: ["Invalid input: expected nonoptional, received undefined"] },
        },
      },
    },
  },
});

/** The procedures called, without the version read that goes beside the first check. */
function procedures(): string[] {
  return standIn()
    .calls.map((c) => c.procedure)
    .filter((p) => p !== "settings.getDokployVersion");
}

function deploymentsOf(app: ApplicationRow) {
  return standIn().deployments.get(app.applicationId) ?? [];
}

const scenarios: Scenario[] = [
  {
    name: "502 twice, then OK: retried, one deployment",
    setup: () => {
      standIn().inject({ procedure: "application.one", status: 502, times: 2 });
    },
    exitCode: 0,
    message: /application\.one \(HTTP 502\).*retrying in/,
    check: (app) => {
      expect(
        standIn()
          .callsOf("application.one")
          .map((c) => c.status),
        // the preflight, retried; then the check of what runs after done
      ).toEqual([502, 502, 200, 200]);
      expect(deploymentsOf(app)).toHaveLength(1);
    },
  },
  {
    name: "429 on deployment.all, then OK",
    setup: () => {
      standIn().inject({ procedure: "deployment.all", status: 429, times: 1 });
    },
    exitCode: 0,
    check: (app) => {
      expect(standIn().callsOf("deployment.all")[0]?.status).toBe(429);
      expect(deploymentsOf(app)).toHaveLength(1);
    },
  },
  {
    name: "connection reset on saveDockerProvider: retried",
    setup: () => {
      standIn().inject({ procedure: "application.saveDockerProvider", reset: true, times: 1 });
    },
    exitCode: 0,
    check: (app) => {
      expect(
        standIn()
          .callsOf("application.saveDockerProvider")
          .map((c) => c.status),
      ).toEqual([0, 200]);
      expect(standIn().callsOf("application.redeploy")).toHaveLength(1);
      expect(deploymentsOf(app)).toHaveLength(1);
    },
  },
  {
    name: "slow answer past request-timeout: retried",
    inputs: { "request-timeout": "1" },
    setup: () => {
      standIn().inject({ procedure: "deployment.all", delayMs: 2500, times: 1 });
    },
    exitCode: 0,
    message: /deployment\.all\): no answer within 1 s; retrying/,
    check: (app) => {
      expect(deploymentsOf(app)).toHaveLength(1);
    },
  },
  {
    name: "ambiguous failure on redeploy (done, then the connection dropped): exactly one deployment",
    setup: () => {
      standIn().inject({ procedure: "application.redeploy", resetAfter: true, times: 1 });
    },
    exitCode: 0,
    message: /may have reached Dokploy[\s\S]*Dokploy did start it/,
    check: (app) => {
      expect(standIn().callsOf("application.redeploy")).toHaveLength(1);
      expect(deploymentsOf(app)).toHaveLength(1);
    },
  },
  {
    name: "redeploy refused before it was processed (429): sent again, one deployment",
    setup: () => {
      standIn().inject({ procedure: "application.redeploy", status: 429, times: 1 });
    },
    exitCode: 0,
    check: (app) => {
      expect(
        standIn()
          .callsOf("application.redeploy")
          .map((c) => c.status),
      ).toEqual([429, 200]);
      expect(deploymentsOf(app)).toHaveLength(1);
    },
  },
  {
    name: "401: the key is refused, nothing built or written",
    inputs: { "dokploy-api-key": `MARKER-API-wrong-${randomBytes(4).toString("hex")}` },
    exitCode: 1,
    message: /application\.one \(HTTP 401\): the API key was not accepted\. .*wrong, expired, rate-limited/,
    check: () => {
      expect(procedures()).toEqual(["application.one"]);
    },
  },
  {
    name: "404: the application does not exist",
    inputs: { "application-id": "no-such-app" },
    exitCode: 1,
    message:
      /Application not found \(applicationId "no-such-app"; check application-id: it takes an application's ID; a compose service's goes in compose-id\)/,
    check: () => {
      expect(procedures()).toEqual(["application.one"]);
    },
  },
  {
    name: "400 with zod issues on saveDockerProvider: shown by field, no redeploy",
    setup: () => {
      standIn().inject({ procedure: "application.saveDockerProvider", status: 400, body: TRPC_ZOD_400, times: 1 });
    },
    exitCode: 1,
    message:
      /application\.saveDockerProvider \(HTTP 400\): the server rejected the input: registryUrl: Invalid input: expected nonoptional/,
    check: () => {
      expect(standIn().callsOf("application.saveDockerProvider")).toHaveLength(1);
      expect(standIn().callsOf("application.redeploy")).toEqual([]);
    },
  },
  {
    name: "registry push denied (wrong password): no Dokploy write",
    inputs: { "registry-password": `MARKER-WRONG-${randomBytes(4).toString("hex")}`, "dokploy-registry": "true" },
    exitCode: 1,
    message: /registry login to 127\.0\.0\.1:\d+ as ci \(check registry-username and registry-password\) failed/,
    check: () => {
      expect(standIn().writes()).toEqual([]);
      expect(procedures()).toEqual(["application.one"]);
    },
  },
  {
    name: "build failure: no Dokploy write",
    dockerfile: `FROM ${rig.baseImage}\nRUN echo compiling && exit 7\n`,
    exitCode: 1,
    message: /docker build failed: `docker build .*` exited with code 7%0A[\s\S]*returned a non-zero code: 7/,
    check: () => {
      expect(standIn().writes()).toEqual([]);
    },
  },
  {
    name: "deployment ends in error: the log tail is in the message",
    setup: (app) => {
      standIn().scriptDeployments(app.applicationId, {
        outcome: "error",
        durationMs: 300,
        log: [
          "Initializing deployment",
          "Pulling 127.0.0.1/demo:x",
          "❌ Pulling image failed",
          "Error occurred ❌, check the logs for details.",
        ],
      });
    },
    exitCode: 1,
    message:
      /ended with status "error"\.%0ALast lines of its log:%0AInitializing deployment%0APulling .*❌ Pulling image failed%0AError occurred ❌/,
    check: (_app, run) => {
      expect(run.outputs["deployment-status"]).toBe("error");
      expect(run.stdout).toContain("│ ❌ Pulling image failed");
    },
  },
  {
    name: "deployment fails before the first look: its log is still read for the message",
    setup: (app) => {
      standIn().scriptDeployments(app.applicationId, {
        outcome: "error",
        startDelayMs: 5,
        durationMs: 0,
        log: [
          "Initializing deployment",
          "(HTTP code 503) unexpected - This node is not a swarm manager.",
          "Error occurred ❌, check the logs for details.",
        ],
      });
    },
    exitCode: 1,
    message:
      /ended with status "error"\.%0ALast lines of its log:%0AInitializing deployment%0A\(HTTP code 503\) unexpected - This node is not a swarm manager\./,
    check: (_app, run) => {
      expect(run.outputs["deployment-status"]).toBe("error");
    },
  },
  {
    name: "deployment cancelled",
    setup: (app) => {
      standIn().scriptDeployments(app.applicationId, { outcome: "cancelled", durationMs: 200 });
    },
    exitCode: 1,
    message: /ended with status "cancelled"/,
    check: (_app, run) => {
      expect(run.outputs["deployment-status"]).toBe("cancelled");
    },
  },
  {
    name: "wait timeout: says it may still finish and where to look",
    inputs: { "wait-timeout": "2" },
    setup: (app) => {
      standIn().scriptDeployments(app.applicationId, { durationMs: 8000 });
    },
    exitCode: 1,
    message:
      /is still running after 2 s \(wait-timeout\)\. This step stopped following it; Dokploy goes on with it, so it may still finish and change what runs\. Its log is under Deployments at http:\/\/127\.0\.0\.1:\d+\/dashboard\/project\//,
    check: (_app, run) => {
      expect(run.outputs["deployment-status"]).toBe("timeout");
      expect(run.outputs["deployment-id"]).not.toBe("");
    },
  },
  {
    name: "another run's deployment appears first and fails: we follow ours",
    setup: (app) => {
      standIn().scriptDeployments(app.applicationId, {
        othersFirst: { title: "Deploy 1111111", script: { outcome: "error", durationMs: 300 } },
        durationMs: 200,
      });
    },
    exitCode: 0,
    message: /ignoring 1 other new deployment/,
    check: (app, run) => {
      const rows = deploymentsOf(app);
      expect(rows.map((r) => [r.title, r.status])).toEqual([
        [expect.stringMatching(/^Deploy [0-9a-f]{7}$/), "done"],
        ["Deploy 1111111", "error"],
      ]);
      expect(run.outputs["deployment-id"]).toBe(rows[0]?.deploymentId);
    },
  },
  {
    name: "rollback-on-failure: the previous image is saved back and redeployed, the step still fails",
    app: {
      sourceType: "docker",
      dockerImage: "127.0.0.1:5000/demo/app:previous",
      username: "ci",
      password: PULL_PASSWORD,
      registryUrl: "127.0.0.1:5000",
    },
    inputs: { "rollback-on-failure": "true" },
    setup: (app) => {
      standIn().scriptDeployments(app.applicationId, { outcome: "error", durationMs: 200 }, { durationMs: 200 });
    },
    exitCode: 1,
    message:
      /ended with status "error".*%0ARolled back to 127\.0\.0\.1:5000\/demo\/app:previous \(deployment \S+ is done\)/,
    check: (app) => {
      const saves = standIn()
        .callsOf("application.saveDockerProvider")
        .map((c) => c.input as Record<string, unknown>);
      expect(saves).toHaveLength(2);
      expect(saves[1]).toEqual({
        applicationId: app.applicationId,
        dockerImage: "127.0.0.1:5000/demo/app:previous",
        username: "ci",
        password: PULL_PASSWORD,
        registryUrl: "127.0.0.1:5000",
      });
      expect(standIn().callsOf("application.redeploy")).toHaveLength(2);
      expect(deploymentsOf(app).map((r) => [r.title, r.status])).toEqual([
        ["Rollback to 127.0.0.1:5000/demo/app:previous", "done"],
        [expect.stringMatching(/^Deploy /), "error"],
      ]);
      expect(app.dockerImage).toBe("127.0.0.1:5000/demo/app:previous");
    },
  },
  {
    name: "live log socket dropped: falls back to polling and succeeds",
    setup: (app) => {
      standIn().scriptDeployments(app.applicationId, {
        dropLogSocket: true,
        durationMs: 600,
        log: ["Initializing deployment", "second line", "third line"],
      });
    },
    exitCode: 0,
    message: /│ Initializing deployment[\s\S]*Live log unavailable \(.*\); following the deployment by polling/,
    check: (app, run) => {
      expect(run.outputs["deployment-status"]).toBe("done");
      expect(standIn().logConnections).toHaveLength(1);
      expect(deploymentsOf(app)[0]?.status).toBe("done");
    },
  },
  {
    name: "Dokploy unreachable: retries run out, nothing built",
    inputs: { "dokploy-url": "http://127.0.0.1:9", retries: "1" },
    exitCode: 1,
    message: /Could not reach Dokploy at http:\/\/127\.0\.0\.1:9 \(application\.one\): ECONNREFUSED/,
    check: () => {
      expect(standIn().calls).toEqual([]);
    },
  },
];

describe("fault matrix", () => {
  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    const app = standIn().addApplication(scenario.app);
    scenario.setup?.(app);
    const repo = `demo/faults-${randomBytes(4).toString("hex")}`;
    const cwd = await tempDir("checkout");
    await writeFile(
      join(cwd, "Dockerfile"),
      scenario.dockerfile ?? `FROM ${rig.baseImage}\nRUN echo ${randomBytes(4).toString("hex")} > /id\n`,
    );
    const run = await runAction({
      inputs: standInInputs(
        { rig, standIn: standIn(), apiKey: API_KEY },
        app.applicationId,
        `${rig.registryHost}/${repo}`,
        {
          "pull-username": "reader",
          "pull-password": PULL_PASSWORD,
          // The pull credential here is a marker Dokploy only stores.
          ...NO_PULL_CHECK,
          ...scenario.inputs,
          ...(scenario.inputs?.["dokploy-registry"] ? { "pull-username": "", "pull-password": "" } : {}),
        },
      ),
      env: { GITHUB_SHA: randomBytes(20).toString("hex"), DOCKER_HOST: rig.dockerHost },
      cwd,
      secrets: SECRETS,
    });
    const log = run.stdout + run.stderr;
    expect(run.exitCode, log).toBe(scenario.exitCode);
    if (scenario.exitCode === 0) expect(log).not.toContain("::error::");
    else expect(log).toMatch(/::error::/);
    if (scenario.message) expect(log).toMatch(scenario.message);
    scenario.check(app, run);
    // No secret anywhere: log, outputs, summary, or a file left behind.
    for (const secret of SECRETS) {
      expect(log.includes(secret), "secret in the log").toBe(false);
      expect(JSON.stringify(run.outputs).includes(secret), "secret in an output").toBe(false);
      expect(run.summary.includes(secret), "secret in the summary").toBe(false);
    }
    expect(run.filesWithSecrets).toEqual([]);
    expect(run.leftovers).toEqual([]);
  });
});
