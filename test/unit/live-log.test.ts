import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DokployStandIn } from "../support/dokploy-stand-in";
import { MemoryLogger } from "../support/loggers";
import { liveLogUrl, streamDeploymentLog } from "../../src/core/dokploy/live-log";
import { Redactor } from "../../src/core/log";

const KEY = "live-log-key-0123456789";
let standIn: DokployStandIn;
let logger: MemoryLogger;

beforeEach(async () => {
  standIn = new DokployStandIn({ apiKey: KEY });
  await standIn.start();
  logger = new MemoryLogger();
});

afterEach(async () => {
  await standIn.stop();
});

function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) resolve();
      else if (Date.now() > deadline) reject(new Error("condition not met in time"));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

function redactor(): Redactor {
  const r = new Redactor();
  r.add(KEY);
  return r;
}

describe("liveLogUrl", () => {
  it("turns the base URL into the WebSocket endpoint", () => {
    expect(liveLogUrl("https://dokploy.example.com", "/etc/dokploy/logs/a/a.log")).toBe(
      "wss://dokploy.example.com/listen-deployment?logPath=%2Fetc%2Fdokploy%2Flogs%2Fa%2Fa.log",
    );
    expect(liveLogUrl("http://127.0.0.1:3000/sub", "/l.log", "srv1")).toBe(
      "ws://127.0.0.1:3000/sub/listen-deployment?logPath=%2Fl.log&serverId=srv1",
    );
  });
});

describe("streamDeploymentLog against the stand-in's /listen-deployment", () => {
  it("prints the log from its first line as it grows, keeps the tail, and closes when told", async () => {
    const app = standIn.addApplication();
    standIn.scriptDeployments(app.applicationId, {
      durationMs: 400,
      log: ["one", "two", "three", "Docker Deployed: ✅"],
    });
    standIn.queue(app.applicationId, "Deploy x");
    await until(() => (standIn.deployments.get(app.applicationId)?.length ?? 0) > 0);
    const row = standIn.deployments.get(app.applicationId)?.[0];
    let ending = 0;
    const log = streamDeploymentLog({
      baseUrl: standIn.url,
      apiKey: KEY,
      logPath: row?.logPath ?? "",
      logger,
      redactor: redactor(),
      onEnding: () => (ending += 1),
      tailLines: 3,
    });
    await until(() => logger.lines.includes("info: │ Docker Deployed: ✅"));
    expect(logger.lines.filter((l) => l.startsWith("info: │"))).toEqual([
      "info: │ one",
      "info: │ two",
      "info: │ three",
      "info: │ Docker Deployed: ✅",
    ]);
    expect(ending).toBe(1);
    expect(log.tail()).toEqual(["two", "three", "Docker Deployed: ✅"]);
    expect(log.open).toBe(true);
    log.close();
    expect(log.open).toBe(false);
    expect(logger.text()).not.toContain("Live log unavailable");
    expect(standIn.logConnections).toEqual([{ logPath: row?.logPath, apiKey: KEY, accepted: true }]);
  });

  it("reports a refused key (closed at once, 1005) and stops, so the caller polls", async () => {
    const log = streamDeploymentLog({
      baseUrl: standIn.url,
      apiKey: "wrong-key-for-socket",
      logPath: "/etc/dokploy/logs/a/a.log",
      logger,
      redactor: redactor(),
    });
    await log.received(3000);
    await until(() => !log.open);
    expect(logger.text()).toContain("Live log unavailable (the socket closed at once (code 1005)");
  });

  it("reports a log path Dokploy refuses (4000)", async () => {
    const log = streamDeploymentLog({
      baseUrl: standIn.url,
      apiKey: KEY,
      logPath: "/etc/passwd",
      logger,
      redactor: redactor(),
    });
    await until(() => !log.open);
    expect(logger.text()).toContain("Dokploy refused the log path (code 4000)");
  });

  it("reports a server without the endpoint", async () => {
    const log = streamDeploymentLog({
      baseUrl: "http://127.0.0.1:9",
      apiKey: KEY,
      logPath: "/etc/dokploy/logs/a.log",
      logger,
      redactor: redactor(),
    });
    await until(() => !log.open);
    expect(logger.text()).toContain("Live log unavailable");
  });
});
