/**
 * Masking where text is cut, and where it must not be: a secret echoed across the point where an
 * error body, a non-JSON answer or a log line is cut shows none of it; a password read from
 * Dokploy that is a common word is masked in what is printed, not inside the outputs the run
 * made itself; the values of the application's environment in Dokploy, printed by its
 * deployment, are masked.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeDocker } from "../support/fake-docker";
import { DokployStandIn } from "../support/dokploy-stand-in";
import { MemoryLogger } from "../support/loggers";
import { useRunHarness } from "../support/run-harness";
import { streamDeploymentLog } from "../../src/dokploy/live-log";
import { reportModel } from "../../src/report/model";
import { summaryMarkdown } from "../../src/report/summary";
import { DokployClient, DokployError, Redactor, outputsOf, run } from "./imports";

const KEY = `MARKER-KEY-${"0123456789abcdef".repeat(4)}`;
/** The first characters of the key a cut would leave: any of them printed is a leak. */
const PREFIX = KEY.slice(0, 8);

async function until(done: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function redactor(): Redactor {
  const r = new Redactor();
  r.add(KEY);
  return r;
}

describe("cut after masking", () => {
  let server: Server;
  let url: string;
  let answer: (res: import("node:http").ServerResponse) => void = () => undefined;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      answer(res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function failure(status: number, body: string): Promise<string> {
    answer = (res) => res.writeHead(status, { "content-type": "text/html" }).end(body);
    const client = new DokployClient({
      baseUrl: url,
      apiKey: KEY,
      transport: "trpc",
      logger: new MemoryLogger(),
      redactor: redactor(),
    });
    try {
      await client.query("application.one", { applicationId: "a" });
    } catch (error) {
      if (error instanceof DokployError) return error.message;
      throw error;
    }
    throw new Error("no error");
  }

  it.each([
    ["a non-JSON error body across its 300-character cut", 500, `${"x".repeat(290)}${KEY}`],
    ["a JSON error body without a message across its 300-character cut", 500, `{"k":"${"x".repeat(284)}${KEY}"}`],
    ["a non-JSON 200 answer across its 40-character cut", 200, `${"x".repeat(30)}${KEY}`],
  ])("shows nothing of the key in %s", async (_name, status, body) => {
    const message = await failure(status, body);
    expect(message).toContain("***");
    expect(message).not.toContain(PREFIX);
  });

  it("shows nothing of the key in a live-log line cut at 4,096 or 1,000 characters", async () => {
    const standIn = new DokployStandIn({ apiKey: KEY });
    await standIn.start();
    try {
      const app = standIn.addApplication();
      const log = [`${"y".repeat(990)}${KEY}`, `${"z".repeat(4086)}${KEY}`, "Docker Deployed: ✅"];
      standIn.scriptDeployments(app.applicationId, { durationMs: 300, log });
      standIn.queue(app.applicationId, "Deploy x");
      await until(() => (standIn.deployments.get(app.applicationId)?.length ?? 0) > 0);
      const logger = new MemoryLogger();
      const stream = streamDeploymentLog({
        baseUrl: standIn.url,
        apiKey: KEY,
        logPath: standIn.deployments.get(app.applicationId)?.[0]?.logPath ?? "",
        logger,
        redactor: redactor(),
      });
      await until(() => logger.lines.some((l) => l.includes("Docker Deployed")));
      stream.close();
      const printed = [...logger.lines, ...stream.tail()].join("\n");
      expect(printed).toContain("***");
      expect(printed).not.toContain(PREFIX);
    } finally {
      await standIn.stop();
    }
  });
});

describe("a password read from Dokploy", () => {
  const h = useRunHarness();

  it("is masked in the log, but not inside the image output the run made (a common word: acme)", async () => {
    const app = h.standIn.addApplication({ name: "demo acme", sourceType: "docker", password: "acme", username: "u" });
    const outcome = await run(h.config(app.applicationId), h.ports(fakeDocker()));
    expect(outcome.error).toBeUndefined();
    expect(h.logger.lines.join("\n")).toContain('Application "demo ***"');
    const outputs = outputsOf(outcome.result);
    expect(outputs.image).toMatch(/\/acme\/web:/);
    expect(outputs["image-ref-digest"]).toMatch(/\/acme\/web@sha256:/);
    expect(outcome.result.image).toContain("/acme/");
  });
});

describe("the values of the application's environment in Dokploy", () => {
  const h = useRunHarness();

  it("are masked where the deployment prints them: its live log, the failure's last lines, the summary", async () => {
    const token = `tok-${randomBytes(12).toString("hex")}`;
    const app = h.standIn.addApplication({ sourceType: "docker", env: `PORT=3000\nAPI_TOKEN="${token}"\n` });
    const encoded = Buffer.from(`API_TOKEN=${token}`).toString("base64");
    const log = ["PORT=3000", `API_TOKEN=${token}`, `env as base64: ${encoded}`, "Error occurred ❌"];
    h.standIn.scriptDeployments(app.applicationId, { outcome: "error", log });
    const config = h.config(app.applicationId);
    const outcome = await run(config, h.ports(fakeDocker()));
    const failure = outcome.error?.message ?? "";
    // Printed, masked: the last lines of the log are in the failure and the live log in the CI log.
    expect(failure).toContain("Last lines of its log:\nPORT=3000\nAPI_TOKEN=***\nenv as base64: ");
    expect(h.logger.lines.join("\n")).toContain("API_TOKEN=***");
    const summary = summaryMarkdown(reportModel(config, outcome));
    expect(summary).toContain("API_TOKEN=***");
    const printed = [...h.logger.lines, failure, summary].join("\n");
    for (const form of [token, encoded, token.slice(4, 16)]) expect(printed).not.toContain(form);
  });

  it("are masked where the value comes from a project's variable the application's refers to", async () => {
    const password = `pw-${randomBytes(12).toString("hex")}`;
    const project = { projectId: "p-1", name: "shop", env: `DB_PASSWORD=${password}\n` };
    const app = h.standIn.addApplication({
      sourceType: "docker",
      env: "DATABASE_URL=postgres://app:${{project.DB_PASSWORD}}@db/app\n",
      environment: { environmentId: "e-1", name: "production", projectId: "p-1", project },
    });
    const log = [`DATABASE_URL=postgres://app:${password}@db/app`, "Error occurred ❌"];
    h.standIn.scriptDeployments(app.applicationId, { outcome: "error", log });
    const outcome = await run(h.config(app.applicationId), h.ports(fakeDocker()));
    expect(outcome.error?.message).toContain("DATABASE_URL=postgres://app:***@db/app");
    expect([...h.logger.lines, outcome.error?.message].join("\n")).not.toContain(password);
  });
});
