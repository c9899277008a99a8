/**
 * The evidence of a red deploy, run against the bundled action with the stand-in, whose
 * /docker-container-logs sends what each task printed as a live v0.30.2 does: the output of our
 * task that failed (not of the old one swarm went back to) in a collapsed group of the log and
 * in the job summary; the health check's last answer; none of it with diagnostics-lines: 0; and
 * hostile output (fences, HTML, mentions, workflow commands, the application's own secrets)
 * inert and masked; and through the CLI, a stack's service whose task failed. Nothing is built
 * (build: false), so no Docker engine is needed.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ActionRun, runAction } from "../support/action";
import type { ApplicationRow } from "../support/dokploy-stand-in";
import { DEPLOY_ONLY, dokployOf, useStandIn } from "../support/fixtures";
import { tempDir } from "../support/temp";
import { errorAnnotations, readRunnerLog } from "../support/workflow-commands";

const API_KEY = `MARKER-EVIDENCE-${randomBytes(8).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY, verifyRegistryLogin: false });
const CLI = process.env.CLI_BUNDLE ?? resolve(import.meta.dirname, "../../dist/cli/index.js");
const IMAGE = "127.0.0.1:1/acme/web";
const OURS = `${IMAGE}:v1`;
const OLD = `${IMAGE}:old`;
/** Swarm takes 5 s to watch a new task; ours exits long before: the service is rolled back. */
const CRASHES = { exitAfterMs: 300, swarmUpdateMs: 5000 } as const;

/** An application that runs OLD, as after the last deployment. */
function runningApp(overrides: Partial<ApplicationRow> = {}) {
  const app = standIn().addApplication({ sourceType: "docker", dockerImage: OLD, ...overrides });
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

/** The lines of the log group that shows the evidence, as the runner shows them. */
function evidenceGroup(run: ActionRun): string[] {
  const log = readRunnerLog(run.stdout);
  const start = log.commands.findIndex((c) => c.command === "group" && c.data.startsWith("What went wrong in"));
  if (start < 0) return [];
  const group = run.stdout.slice(run.stdout.indexOf(log.commands[start]?.line ?? "?"));
  return group.slice(0, group.indexOf("::endgroup::")).split("\n");
}

/** The summary's evidence: from its <details> to its </details>. */
function detailsOf(summary: string): string {
  const start = summary.indexOf("<details><summary>What went wrong in");
  return start < 0 ? "" : summary.slice(start, summary.indexOf("\n</details>", start) + "\n</details>".length);
}

/** The lines of some markdown inside fenced code blocks, and those outside them (the fences neither). */
function byFence(markdown: string): { inside: string; outside: string } {
  const inside: string[] = [];
  const outside: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    if (fence === undefined) {
      fence = /^(`{3,})$/.exec(line)?.[1];
      if (fence === undefined) outside.push(line);
    } else if (line === fence) fence = undefined;
    else inside.push(line);
  }
  return { inside: inside.join("\n"), outside: outside.join("\n") };
}

const fencedText = (markdown: string) => byFence(markdown).inside;

/** The ids of the application's tasks by image, as swarm lists them now (newest first). */
function tasksOf(appName: string, image: string): string[] {
  return (standIn().swarm.tasks(appName) as { containerId: string }[])
    .map((t) => standIn().swarm.task(t.containerId))
    .filter((t) => t?.image === image)
    .map((t) => t?.containerId ?? "");
}

describe("the evidence of a red deploy (action)", () => {
  it("a task of our image that exits 1 and is rolled back: its own output in the log group and the summary, not the old task's", async () => {
    const app = runningApp();
    standIn().scriptDeployments(app.applicationId, CRASHES);
    standIn().taskOutput((task) =>
      task.image === OURS
        ? ["MARKER-OURS starting", "error: DATABASE_URL is not set", "exiting with 1"]
        : ["MARKER-OLD serving requests"],
    );

    const run = await deploy(app.applicationId);

    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.outputs["deployment-status"]).toBe("not-running");
    expect(errorAnnotations(run.stdout)).toContain(`Docker Swarm rolled the service back to ${OLD}`);
    const [failed] = tasksOf(app.appName, OURS);
    expect(standIn().swarm.task(failed ?? "")?.state).toBe("shutdown");
    const group = evidenceGroup(run);
    expect(group[0]).toBe(`::group::What went wrong in demo-app: swarm's tasks and what the containers printed`);
    const stamp = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
    expect(group.join("\n")).toMatch(
      new RegExp(
        [
          `Docker Swarm's tasks of ${app.appName}:`,
          `│ \\w{12}  desired running  Running 1 second ago  ${OLD}`,
          `│ ${(failed ?? "").slice(0, 12)}  desired shutdown  Failed 2 seconds ago  task: non-zero exit \\(1\\)  ${OURS}`,
          `│ \\w{12}  desired shutdown  Shutdown 1 second ago  ${OLD}`,
          `Output of task ${(failed ?? "").slice(0, 12)} \\(Failed 2 seconds ago\\):`,
          `│ ${stamp} MARKER-OURS starting`,
          `│ ${stamp} error: DATABASE_URL is not set`,
          `│ ${stamp} exiting with 1`,
        ].join("\n"),
      ),
    );
    expect(run.stdout).not.toContain("MARKER-OLD");
    // Read once, through Dokploy, by the failed task's id, with the key in the header.
    expect(standIn().containerLogConnections.map((c) => c.params)).toEqual([
      { containerId: failed, tail: "50", since: "all", runType: "swarm", serviceId: app.applicationId },
    ]);
    expect(standIn().containerLogConnections[0]?.apiKey).toBe(API_KEY);

    const details = detailsOf(run.summary);
    expect(details).toContain("<details><summary>What went wrong in <code>demo-app</code></summary>");
    expect(details).toContain(`**Output of task** \`${(failed ?? "").slice(0, 12)} (Failed 2 seconds ago)\``);
    expect(fencedText(details)).toMatch(
      new RegExp(
        `^${stamp} MARKER-OURS starting\n${stamp} error: DATABASE_URL is not set\n${stamp} exiting with 1$`,
        "m",
      ),
    );
    expect(run.summary).not.toContain("MARKER-OLD");
  });

  it("diagnostics-lines: 0 shows no evidence, and opens no container-log socket", async () => {
    const app = runningApp();
    standIn().scriptDeployments(app.applicationId, CRASHES);
    standIn().taskOutput(() => ["MARKER-OURS starting"]);

    const run = await deploy(app.applicationId, { "diagnostics-lines": "0" });

    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.outputs["deployment-status"]).toBe("not-running");
    expect(run.stdout).not.toContain("What went wrong");
    expect(run.stdout).not.toContain("MARKER-OURS");
    expect(run.summary).not.toContain("<details>");
    expect(standIn().containerLogConnections).toEqual([]);
  });

  it("diagnostics-lines: 2 reads the last 2 lines", async () => {
    const app = runningApp();
    standIn().scriptDeployments(app.applicationId, CRASHES);
    standIn().taskOutput((task) => (task.image === OURS ? ["first", "second", "third"] : undefined));

    const run = await deploy(app.applicationId, { "diagnostics-lines": "2" });

    expect(run.exitCode, run.stdout).toBe(1);
    expect(standIn().containerLogConnections.map((c) => c.params.tail)).toEqual(["2"]);
    const group = evidenceGroup(run).join("\n");
    expect(group).toMatch(/│ \S+Z second\n│ \S+Z third/);
    expect(group).not.toContain("first");
  });
});

describe("the evidence of a failed health check (action), rolled back", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it("holds the last answer's status and the beginning of its body, and what our running task printed, read before the rollback", async () => {
    server = createServer((_req, res) => {
      res.writeHead(503, { "content-type": "text/plain" }).end("database unreachable\nretrying in 5 s\n");
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const healthUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/healthz`;
    const app = runningApp();
    standIn().taskOutput((task) => (task.image === OURS ? ["MARKER-OURS listening on :3000"] : ["MARKER-OLD"]));

    const run = await deploy(app.applicationId, {
      "health-url": healthUrl,
      "health-timeout": "1",
      "health-interval": "0.2",
      "rollback-on-failure": "true",
    });

    expect(run.exitCode, run.stdout).toBe(1);
    expect(errorAnnotations(run.stdout)).toMatch(/Health check failed: .* answered 503/);
    expect(errorAnnotations(run.stdout)).toContain(`Rolled back to ${OLD}`);
    // Gathered before the rollback pointed the application back.
    const rollback = standIn().callsOf("application.saveDockerProvider").at(-1);
    expect(rollback?.input).toMatchObject({ dockerImage: OLD });
    expect(standIn().containerLogConnections.map((c) => c.at < (rollback?.at ?? 0))).toEqual([true]);
    expect(run.stdout.indexOf("What went wrong in")).toBeLessThan(run.stdout.indexOf("Rolling back"));
    const group = evidenceGroup(run).join("\n");
    expect(group).toMatch(
      new RegExp(
        `The health check's last answer, from ${healthUrl}:\n│ HTTP 503 in \\d+ ms\n│ database unreachable\n│ retrying in 5 s\n`,
      ),
    );
    // No task of ours ended: the newest of ours is read.
    const [ours] = tasksOf(app.appName, OURS);
    expect(group).toMatch(
      new RegExp(
        `Output of task ${(ours ?? "").slice(0, 12)} \\(Running 1 second ago\\):\n│ \\S+Z MARKER-OURS listening on :3000`,
      ),
    );
    expect(group).not.toContain("MARKER-OLD");
    const details = detailsOf(run.summary);
    expect(details).toContain(`**The health check's last answer, from** \`${healthUrl}\``);
    expect(fencedText(details)).toMatch(/^HTTP 503 in \d+ ms\ndatabase unreachable\nretrying in 5 s/m);
    expect(fencedText(details)).toContain("MARKER-OURS listening on :3000");
  });
});

describe("hostile output of a red task (action)", () => {
  it("stays text: no fence ends, no HTML, mention or workflow command acts, and the application's secrets are masked", async () => {
    const secret = `s3cr3t-${randomBytes(9).toString("hex")}`;
    const base64 = Buffer.from(secret).toString("base64");
    // Set in Dokploy by the application's owner: the step never sees it as an input.
    const app = runningApp({ env: `DATABASE_PASSWORD=${secret}\nPORT=3000` });
    standIn().scriptDeployments(app.applicationId, CRASHES);
    const hostile = [
      "```",
      "</details>",
      "<img src=x onerror=alert(1)> [click](https://evil.example) @someone",
      "::error::MARKER-PWNED from the container",
      "##[error]MARKER-PWNED-V1 from the container",
      "::add-mask::MARKER-MASK",
      `password is ${secret}`,
      `in colour \u001b[31m${secret.slice(0, 9)}\u001b[0m${secret.slice(9)}`,
      `base64 ${base64}`,
      "MARKER-LAST",
    ];
    standIn().taskOutput((task) => (task.image === OURS ? hostile : undefined));

    const run = await deploy(app.applicationId);

    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.stdout).toContain("MARKER-LAST");
    // The runner obeys none of it: shown as text, between ::stop-commands:: and its token.
    const log = readRunnerLog(run.stdout);
    expect(log.commands.filter((c) => c.data.includes("MARKER"))).toEqual([]);
    expect(log.commands.filter((c) => c.command === "add-mask")).toEqual([]);
    expect(log.plain.some((line) => /^│ \S+Z ::error::MARKER-PWNED from the container$/.test(line))).toBe(true);
    expect(log.plain.some((line) => /^│ \S+Z ##\[error\]MARKER-PWNED-V1 from the container$/.test(line))).toBe(true);
    expect(run.stdout).toMatch(/::stop-commands::\w+\n(?:.*\n)*?│ \S+Z ##\[error\]MARKER-PWNED-V1/);
    // Masked in every form, split by colour codes too.
    for (const text of [run.stdout, run.summary]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(base64);
      expect(text).toMatch(/password is \*\*\*/);
      expect(text).toMatch(/in colour \*\*\*/);
      expect(text).toMatch(/base64 \*\*\*/);
    }
    // In the summary, all of it inside the one fenced block of the task's output.
    const details = detailsOf(run.summary);
    const { inside, outside } = byFence(details);
    expect(outside.match(/<\/?details>/g)).toEqual(["<details>", "</details>"]);
    for (const line of hostile.slice(0, 6)) expect(inside).toContain(line);
    expect(inside).toContain("MARKER-LAST");
    for (const piece of ["<img", "@someone", "](https://evil.example)", "::error::", "##[error]", "MARKER"]) {
      expect(outside).not.toContain(piece);
    }
  });
});

describe("the evidence of a red stack (CLI)", () => {
  it("reads the failed task of the service whose image is ours, not the other service's", async () => {
    const compose = standIn().addCompose({
      composeFile: "services:\n  web:\n    image: ${IMAGE}\n  cache:\n    image: 127.0.0.1:1/redis:7\n",
      env: `IMAGE=${OLD}\nTAG=old\n`,
    });
    standIn().swarm.deployed(`${compose.appName}_web`, OLD);
    standIn().swarm.deployed(`${compose.appName}_cache`, "127.0.0.1:1/redis:7");
    standIn().scriptDeployments(compose.composeId, { exitAfterMs: 1000 });
    standIn().taskOutput((task) =>
      task.image === OURS ? ["MARKER-WEB crashed: \u001b[0Ksection_end:1:x\r\u001b[0K"] : ["MARKER-OTHER"],
    );
    const dir = await tempDir("cli-evidence");
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
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number>((done) => child.on("close", (c) => done(c ?? -1)));

    expect(code, output).toBe(1);
    const [failed] = (standIn().swarm.stackTasks(compose.appName) as { containerId: string }[])
      .map((t) => standIn().swarm.task(t.containerId))
      .filter((t) => t?.image === OURS && t.state === "shutdown");
    expect(output).toContain("What went wrong in demo-stack: swarm's tasks and what the containers printed");
    expect(output).toContain(`Docker Swarm's tasks of ${compose.appName}_web:`);
    expect(output).toContain(`Docker Swarm's tasks of ${compose.appName}_cache:`);
    // The escape sequences are gone and the carriage return is shown: no section of a log ends.
    expect(output).toMatch(
      new RegExp(
        `Output of task ${(failed?.containerId ?? "?").slice(0, 12)} \\(Failed 2 seconds ago\\):\n│ \\S+Z MARKER-WEB crashed: section_end:1:x \n`,
      ),
    );
    expect(output).not.toContain("MARKER-OTHER");
    expect(standIn().containerLogConnections.map((c) => c.params)).toEqual([
      { containerId: failed?.containerId, tail: "50", since: "all", runType: "swarm", serviceId: compose.composeId },
    ]);
  });
});
