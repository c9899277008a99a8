/**
 * The stand-in agrees with a live v0.30.2 where the e2e suite saw it behave: one deployment
 * queue per server, a deploy's log that names the image the application holds when the job
 * starts, what swarm does with a task whose process exits, and what /docker-container-logs
 * sends and when it closes.
 */
import { WebSocket } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DokployStandIn } from "../support/dokploy-stand-in";
import { SwarmStandIn } from "../support/stand-in-swarm";

const KEY = "stand-in-key-0123456789";
let standIn: DokployStandIn;

beforeEach(async () => {
  standIn = new DokployStandIn({ apiKey: KEY });
  await standIn.start();
});

afterEach(async () => {
  await standIn.stop();
});

async function mutate(procedure: string, input: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${standIn.url}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "x-api-key": KEY, "content-type": "application/json" },
    body: JSON.stringify({ json: input }),
  });
  await res.text();
  return res.status;
}

function provider(applicationId: string, dockerImage: string, withCredentials: boolean) {
  return {
    applicationId,
    dockerImage,
    username: withCredentials ? "ci" : null,
    password: withCredentials ? "secret" : null,
    registryUrl: withCredentials ? "127.0.0.1:5000" : null,
  };
}

describe("the Dokploy stand-in, as a live v0.30.2 behaves", () => {
  it("runs the deployments of all applications of a server one at a time", async () => {
    const slow = standIn.addApplication();
    const other = standIn.addApplication();
    standIn.scriptDeployments(slow.applicationId, { durationMs: 300 });
    expect(await mutate("application.redeploy", { applicationId: slow.applicationId })).toBe(200);
    expect(await mutate("application.redeploy", { applicationId: other.applicationId })).toBe(200);
    await standIn.settled();

    const first = standIn.deployments.get(slow.applicationId)?.[0];
    const second = standIn.deployments.get(other.applicationId)?.[0];
    expect(Date.parse(second?.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(first?.finishedAt ?? ""));
  });

  it("logs a deploy's login and pull of the image the application holds when the job starts", async () => {
    const app = standIn.addApplication();
    // The job starts 500 ms after the trigger: room for the second save even on a busy machine.
    standIn.scriptDeployments(app.applicationId, { startDelayMs: 500 });
    await mutate("application.saveDockerProvider", provider(app.applicationId, "127.0.0.1:5000/demo/web:a1", true));
    await mutate("application.deploy", { applicationId: app.applicationId, title: "Deploy a1" });
    // Saved before the job starts: this is what it pulls.
    await mutate("application.saveDockerProvider", provider(app.applicationId, "127.0.0.1:5000/demo/web:b2", false));
    await standIn.settled();

    const row = standIn.deployments.get(app.applicationId)?.[0];
    const log = standIn.logs.get(row?.logPath ?? "") ?? "";
    expect(log).toMatch(
      /^Initializing deployment\nPulling 127\.0\.0\.1:5000\/demo\/web:b2\nb2: Pulling from demo\/web\nDigest: sha256:[0-9a-f]{64}\n/,
    );
    expect(log).not.toContain("Login Succeeded");
    expect(log.endsWith("127.0.0.1:5000/demo/web:b2\n✅ Pulling image completed.\n")).toBe(true);
  });

  it("logs docker's login output, blank lines included, when the application has pull credentials", async () => {
    const app = standIn.addApplication();
    await mutate("application.saveDockerProvider", provider(app.applicationId, "127.0.0.1:5000/demo/web:a1", true));
    await mutate("application.deploy", { applicationId: app.applicationId });
    await standIn.settled();

    const row = standIn.deployments.get(app.applicationId)?.[0];
    expect((standIn.logs.get(row?.logPath ?? "") ?? "").split("\n").slice(0, 9)).toEqual([
      "Initializing deployment",
      "Pulling 127.0.0.1:5000/demo/web:a1",
      "",
      "WARNING! Your credentials are stored unencrypted in '/root/.docker/config.json'.",
      "Configure a credential helper to remove this warning. See",
      "https://docs.docker.com/go/credential-store/",
      "",
      "Login Succeeded",
      "a1: Pulling from demo/web",
    ]);
  });
});

/** Waits until `check` holds, looking every 20 ms. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("a task whose process exits, as docker service ps shows it", () => {
  it("is failed and shut down, with swarm's error, and the restart policy makes a new task at once", async () => {
    const app = standIn.addApplication({ sourceType: "docker", dockerImage: "127.0.0.1:5000/demo/web:b2" });
    standIn.swarm.deployed(app.appName, "127.0.0.1:5000/demo/web:a1");
    standIn.scriptDeployments(app.applicationId, { exitAfterMs: 50 });
    await mutate("application.redeploy", { applicationId: app.applicationId });
    await standIn.settled();
    await until(() => standIn.swarm.tasks(app.appName).length === 3);

    const [restarted, failed, old] = standIn.swarm.tasks(app.appName) as Record<string, string>[];
    expect(restarted).toMatchObject({ name: `${app.appName}.1`, state: "ready", currentState: "Ready 1 second ago" });
    expect(failed).toMatchObject({
      name: `${app.appName}.1`,
      state: "shutdown",
      currentState: "Failed 2 seconds ago",
      error: '"task: non-zero exit (1)"',
    });
    expect(old).toMatchObject({ state: "shutdown", currentState: "Shutdown 1 second ago" });
    // The update was over: the service keeps the image, and the failure is the restart policy's.
    expect(standIn.swarm.inspect(app.appName)).toMatchObject({
      Spec: { TaskTemplate: { ContainerSpec: { Image: "127.0.0.1:5000/demo/web:b2" } } },
      UpdateStatus: { State: "completed" },
    });
  });

  it("runs the new task once the restart delay is over; an update replaces one still waiting", () => {
    const swarm = new SwarmStandIn();
    const first = swarm.deployed("web", "web:1") ?? "";
    const next = swarm.taskExited("web", first) ?? "";
    expect(swarm.taskStarted("web", next)).toBe(true);
    expect(swarm.tasks("web")[0]).toMatchObject({ state: "running", currentState: "Running 1 second ago" });
    const again = swarm.taskExited("web", next) ?? "";
    swarm.deployed("web", "web:2");
    expect(swarm.taskStarted("web", again)).toBe(false);
    expect(swarm.taskExited("web", first)).toBeUndefined();
  });

  it("within the update's monitor period, rolls an application's service back and pauses a stack's", () => {
    const swarm = new SwarmStandIn();
    swarm.deployed("app", "web:1");
    const ours = swarm.deployed("app", "web:2", "runs", true) ?? "";
    expect(swarm.taskExited("app", ours)).toBeUndefined();
    expect(swarm.inspect("app")).toMatchObject({
      Spec: { TaskTemplate: { ContainerSpec: { Image: "web:1" } } },
      UpdateStatus: { State: "rollback_completed" },
    });
    expect(swarm.tasks("app")[0]).toMatchObject({ state: "running" });

    swarm.deployed("stack_web", "web:1", "runs", false, "pause");
    const theirs = swarm.deployed("stack_web", "web:2", "runs", true, "pause") ?? "";
    expect(swarm.taskExited("stack_web", theirs)).toBeDefined();
    expect(swarm.inspect("stack_web")).toMatchObject({
      Spec: { TaskTemplate: { ContainerSpec: { Image: "web:2" } } },
      UpdateStatus: { State: "paused", Message: `update paused due to failure or early termination of task ${theirs}` },
    });
  });
});

/** A raw client of /docker-container-logs: every message as it came, and the close code. */
function openContainerLogs(params: Record<string, string>, apiKey = KEY, server = standIn) {
  const url = new URL(`${server.url.replace(/^http/, "ws")}/docker-container-logs`);
  for (const [name, value] of Object.entries({ tail: "50", since: "all", runType: "swarm", ...params }))
    url.searchParams.set(name, value);
  const socket = new WebSocket(url, { headers: { "x-api-key": apiKey } });
  const messages: { text: string; at: number }[] = [];
  const opened = Date.now();
  let code: number | undefined;
  socket.addEventListener("message", (event) => messages.push({ text: String(event.data), at: Date.now() - opened }));
  socket.addEventListener("close", (event) => (code = event.code));
  return { socket, messages, closeCode: () => code };
}

describe("/docker-container-logs, as a live v0.30.2 sends a task's output", () => {
  it("sends the last `tail` lines the task printed, timestamped to the nanosecond, ending in \\r\\n, and never closes", async () => {
    standIn.swarm.deployed("web-app", "127.0.0.1:5000/demo/web:a1");
    const [task] = standIn.swarm.tasks("web-app") as { containerId: string }[];
    const seen: unknown[] = [];
    standIn.taskOutput((t) => {
      seen.push(t);
      return t.containerId === task?.containerId ? ["one", "two", "three"] : undefined;
    });
    const client = openContainerLogs({ containerId: task?.containerId ?? "", tail: "2" });
    await until(() => client.messages.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 600));

    expect(client.messages).toHaveLength(1);
    expect(client.messages[0]?.text).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z two\r\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z three\r\n$/,
    );
    expect(client.messages[0]?.at).toBeGreaterThanOrEqual(150);
    expect(seen).toEqual([
      { containerId: task?.containerId, service: "web-app", image: "127.0.0.1:5000/demo/web:a1", state: "running" },
    ]);
    expect(client.closeCode()).toBeUndefined();
    expect(standIn.containerLogConnections).toEqual([
      expect.objectContaining({ apiKey: KEY, params: expect.objectContaining({ tail: "2" }) as unknown }),
    ]);
    client.socket.close();
    await until(() => client.closeCode() !== undefined);
  });

  it("sends nothing for a task that printed nothing, and keeps the socket open", async () => {
    const client = openContainerLogs({ containerId: "a".repeat(25) });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(client.messages).toEqual([]);
    expect(client.closeCode()).toBeUndefined();
    client.socket.close();
  });

  it.each([
    ["an id that starts like an option", { containerId: "-rf" }],
    ["a path", { containerId: "../etc/passwd" }],
    ["a name of 129 characters", { containerId: "a".repeat(129) }],
    ["a tail that is not a number", { containerId: "abc", tail: "all" }],
    ["a since that is not a duration", { containerId: "abc", since: "yesterday" }],
  ])("closes with 4000 on %s", async (_what, params) => {
    const client = openContainerLogs(params);
    await until(() => client.closeCode() !== undefined);
    expect(client.closeCode()).toBe(4000);
  });

  it("takes a 64-digit docker id and a name of 128 characters", async () => {
    for (const containerId of ["f".repeat(64), `a${"b.-_".repeat(31)}abc`]) {
      const client = openContainerLogs({ containerId });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.closeCode(), containerId).toBeUndefined();
      client.socket.close();
    }
  });

  it("closes without a status (1005) on a key it does not accept, and with 4003 when the key may not read it", async () => {
    const refused = openContainerLogs({ containerId: "abc" }, "not-the-key");
    await until(() => refused.closeCode() !== undefined);
    expect(refused.closeCode()).toBe(1005);

    const denying = new DokployStandIn({ apiKey: KEY, containerLogsDenied: true });
    await denying.start();
    try {
      const denied = openContainerLogs({ containerId: "abc" }, KEY, denying);
      await until(() => denied.closeCode() !== undefined);
      expect(denied.closeCode()).toBe(4003);
    } finally {
      await denying.stop();
    }
  });
});
