import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DokployStandIn } from "../support/dokploy-stand-in";
import { MemoryLogger } from "../support/loggers";
import { DokployClient, DokployError, Dokploy, Redactor, type Transport, connectionHint } from "./imports";

const KEY = "the-api-key-1234567890";
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

function client(transport: Transport, options: { apiKey?: string; baseUrl?: string; timeoutMs?: number } = {}) {
  const redactor = new Redactor();
  redactor.add(options.apiKey ?? KEY);
  return new DokployClient({
    baseUrl: options.baseUrl ?? standIn.url,
    apiKey: options.apiKey ?? KEY,
    transport,
    logger,
    redactor,
    timeoutMs: options.timeoutMs,
  });
}

async function failure(promise: Promise<unknown>): Promise<DokployError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DokployError) return error;
    throw error;
  }
  throw new Error("expected a DokployError");
}

describe.each<Transport>(["trpc", "openapi"])("DokployClient over %s", (transport) => {
  it("unwraps a query's answer and sends the key", async () => {
    const app = standIn.addApplication({ name: "web" });
    const found = await new Dokploy(client(transport)).applicationOne(app.applicationId);
    expect(found).toMatchObject({ applicationId: app.applicationId, name: "web", sourceType: "github" });
    expect(standIn.calls[0]).toMatchObject({
      transport,
      method: "GET",
      procedure: "application.one",
      apiKey: KEY,
      status: 200,
      input: { applicationId: app.applicationId },
    });
  });

  it("sends a mutation in the transport's envelope and reads a void result as undefined", async () => {
    const app = standIn.addApplication();
    const dokploy = new Dokploy(client(transport));
    await expect(
      dokploy.trigger("redeploy", { kind: "application", id: app.applicationId }, "Deploy abc1234", "desc"),
    ).resolves.toBeUndefined();
    await expect(
      dokploy.saveDockerProvider({
        applicationId: app.applicationId,
        dockerImage: "ghcr.io/acme/web:abc",
        username: null,
        password: null,
        registryUrl: null,
      }),
    ).resolves.toBeUndefined();
    expect(standIn.calls.map((c) => [c.method, c.procedure, c.status])).toEqual([
      ["POST", "application.redeploy", 200],
      ["POST", "application.saveDockerProvider", 200],
    ]);
    expect(standIn.calls[1]?.input).toEqual({
      applicationId: app.applicationId,
      dockerImage: "ghcr.io/acme/web:abc",
      username: null,
      password: null,
      registryUrl: null,
    });
    expect(standIn.applications.get(app.applicationId)?.sourceType).toBe("docker");
  });

  it("explains a 401 without showing the key", async () => {
    const error = await failure(client(transport, { apiKey: "wrong-key-abcdef" }).query("registry.all"));
    expect(error.status).toBe(401);
    expect(error.procedure).toBe("registry.all");
    expect(error.message).toContain("registry.all (HTTP 401)");
    expect(error.message).toMatch(/wrong, expired, rate-limited.*not tied\s+to an organisation/s);
    expect(error.message).not.toContain("wrong-key-abcdef");
    expect(error.retryable).toBe(false);
  });

  it("shows the zod issues of a 400 by field", async () => {
    const error = await failure(
      new Dokploy(client(transport)).registryCreate({
        registryName: "hub",
        username: "ci",
        password: "pw-123456",
        registryUrl: "https://index.docker.io/v1/",
        imagePrefix: null,
      }),
    );
    expect(error.status).toBe(400);
    expect(error.message).toContain(
      "registry.create (HTTP 400): the server rejected the input: registryUrl: Registry URL must be a valid hostname or hostname:port",
    );
  });

  it("names a missing required-but-nullable key", async () => {
    const error = await failure(
      client(transport).mutation("application.saveDockerProvider", {
        applicationId: "x",
        dockerImage: "a:b",
        username: null,
        password: null,
      }),
    );
    expect(error.message).toContain("registryUrl: Invalid input: expected nonoptional, received undefined");
  });

  it("says which id was not found", async () => {
    const error = await failure(new Dokploy(client(transport)).applicationOne("no-such-app"));
    expect(error.status).toBe(404);
    expect(error.message).toBe(
      `Dokploy application.one (HTTP 404): Application not found (applicationId "no-such-app"; check application-id: it takes an application's ID; a compose service's goes in compose-id) on ${standIn.url}.`,
    );
  });

  it("passes on the server's message for a failed server-side docker login", async () => {
    const error = await failure(
      new Dokploy(client(transport)).registryCreate({
        registryName: "ghcr",
        username: "ci",
        password: "pw-123456",
        registryUrl: "ghcr.io",
        imagePrefix: null,
      }),
    );
    expect(error.status).toBe(400);
    expect(error.message).toContain("docker login 'ghcr.io' -u 'ci' --password-stdin");
    expect(error.message).not.toContain("pw-123456");
  });

  it("never logs the passwords that registry.all returns", async () => {
    standIn.addRegistry({
      registryName: "r",
      username: "ci",
      password: "plain-text-pw",
      registryUrl: "ghcr.io",
      imagePrefix: null,
    });
    const rows = await new Dokploy(client(transport)).registryAll();
    expect(rows[0]?.password).toBe("plain-text-pw");
    expect(logger.text()).toContain("registry.all -> 200");
    expect(logger.text()).not.toContain("plain-text-pw");
  });
});

describe("DokployClient against what is not Dokploy", () => {
  let server: Server;
  let url: string;
  let answer: (res: import("node:http").ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      answer(res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("marks a 502 from a proxy as retryable and shows the status", async () => {
    answer = (res) => res.writeHead(502, { "content-type": "text/html" }).end("<html>Bad Gateway</html>");
    const error = await failure(client("trpc", { baseUrl: url }).query("application.one", { applicationId: "a" }));
    expect(error.status).toBe(502);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("application.one (HTTP 502)");
  });

  it("says so when a 200 is not JSON (a dashboard page instead of the API)", async () => {
    answer = (res) => res.writeHead(200, { "content-type": "text/html" }).end("<!DOCTYPE html><html>");
    const error = await failure(client("trpc", { baseUrl: url }).query("registry.all"));
    expect(error.message).toMatch(/not JSON.*Is dokploy-url the base URL/);
  });

  it("gives up on a server that does not answer, within the request timeout", async () => {
    answer = () => undefined;
    const error = await failure(client("openapi", { baseUrl: url, timeoutMs: 200 }).query("registry.all"));
    expect(error.message).toContain("no answer within");
    expect(error.retryable).toBe(true);
  });

  it("reports a refused connection as unreachable and retryable", async () => {
    const error = await failure(client("trpc", { baseUrl: "http://127.0.0.1:9" }).query("registry.all"));
    expect(error.status).toBeUndefined();
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/Could not reach Dokploy at http:\/\/127\.0\.0\.1:9 \(registry\.all\): ECONNREFUSED/);
  });

  it("says where a redirect leads and which base URL is likely meant", async () => {
    answer = (res) =>
      res.writeHead(301, { location: "https://d.example.com/api/trpc/registry.all" }).end("Moved Permanently");
    const error = await failure(client("trpc", { baseUrl: url }).query("registry.all"));
    expect(error.message).toBe(
      "Dokploy registry.all (HTTP 301): Dokploy answered with a redirect to https://d.example.com/api/trpc/registry.all, which is not followed (the API key would go along). Set dokploy-url to the base URL Dokploy answers on, here probably https://d.example.com (https://, not http://).",
    );
  });

  it("stops reading an answer past 16 MiB", async () => {
    let written = 0;
    answer = (res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, "x");
      let open = true;
      res.on("close", () => (open = false));
      const pump = () => {
        while (open && written < 200 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        if (open) res.end();
      };
      pump();
    };
    const error = await failure(client("openapi", { baseUrl: url }).query("registry.all"));
    expect(error.message).toMatch(/^Dokploy registry\.all: the answer is larger than 16 MiB; stopped reading it/);
    expect(error.retryable).toBe(false);
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("DokployClient: answers to a mutation it cannot read", () => {
  let server: Server;
  let url: string;
  let answer: (res: import("node:http").ServerResponse) => void;
  const DEPTH = 100_000;
  const NESTED = {
    array: "[".repeat(DEPTH) + "]".repeat(DEPTH),
    object: '{"a":'.repeat(DEPTH) + "1" + "}".repeat(DEPTH),
    "tRPC error": '{"error":{"json":' + '{"a":'.repeat(DEPTH) + "1" + "}".repeat(DEPTH + 2),
  };
  const json = { "content-type": "application/json" };

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        answer(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const save = (transport: Transport) =>
    client(transport, { baseUrl: url }).mutation("application.saveDockerProvider", { applicationId: "a" });

  it.each(Object.keys(NESTED) as (keyof typeof NESTED)[])(
    "reads a 502 whose body is deeply nested JSON (%s) as a 502 that may have been carried out",
    async (shape) => {
      answer = (res) => res.writeHead(502, json).end(NESTED[shape]);
      for (const transport of ["trpc", "openapi"] as const) {
        const error = await failure(save(transport));
        expect(error.status).toBe(502);
        expect(error.message).toContain("application.saveDockerProvider (HTTP 502)");
        expect(error.retryable).toBe(true);
        expect(error.ambiguous).toBe(true);
      }
    },
  );

  it.each([
    ["outside tRPC's envelope", '{"ok":true}'],
    ["not JSON", "<!DOCTYPE html><html>"],
    ["deeply nested", NESTED.object],
  ])("says a mutation answered 200 %s may have been carried out", async (_, body) => {
    answer = (res) => res.writeHead(200, json).end(body);
    const error = await failure(save("trpc"));
    expect(error.status).toBe(200);
    expect(error.ambiguous).toBe(true);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("Dokploy may have carried out application.saveDockerProvider all the same");
  });

  it("says a mutation whose answer is larger than the limit may have been carried out", async () => {
    answer = (res) => res.writeHead(200, json).end(`{"result":{"data":{"json":"${"x".repeat(17 * 1024 * 1024)}"}}}`);
    const error = await failure(save("trpc"));
    expect(error.message).toMatch(/larger than 16 MiB/);
    expect(error.ambiguous).toBe(true);
  });

  it("keeps a query's unreadable answer a plain failure: a query changes nothing", async () => {
    answer = (res) => res.writeHead(200, json).end('{"ok":true}');
    const error = await failure(client("trpc", { baseUrl: url }).query("registry.all"));
    expect(error.message).toContain("unexpected answer without result.data.json");
    expect(error.ambiguous).toBe(false);
  });
});

describe("DokployClient within a time budget", () => {
  let server: Server;
  let url: string;
  let requests = 0;

  beforeAll(async () => {
    // Takes every request and never answers.
    server = createServer(() => {
      requests += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("gives a request and its retries no more than the budget, though the request timeout is longer", async () => {
    const redactor = new Redactor();
    const silent = new DokployClient({
      baseUrl: url,
      apiKey: KEY,
      transport: "trpc",
      logger,
      redactor,
      timeoutMs: 30_000,
      retry: { retries: 4, maxElapsedMs: 60_000, baseDelayMs: 100, maxDelayMs: 200 },
      retryPorts: { logger, clock: () => performance.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    });
    requests = 0;
    const started = performance.now();
    const error = await failure(silent.query("deployment.all", { applicationId: "a" }, { withinMs: 1_000 }));
    // A hang (30 s per request) is what this guards against; 10 s is a generous margin over 1 s.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(error.message).toContain("no answer within");
    expect(requests).toBeGreaterThanOrEqual(1);
  }, 30_000);
});

describe("Dokploy.applicationOne", () => {
  it("refuses an answer about another application (a cache that ignores the query string)", async () => {
    const asked = standIn.addApplication();
    const other = standIn.addApplication({ name: "other" });
    standIn.inject({
      procedure: "application.one",
      status: 200,
      body: JSON.stringify({ result: { data: { json: { ...other, deployments: [] } } } }),
    });
    const error = await failure(new Dokploy(client("trpc")).applicationOne(asked.applicationId));
    expect(error.message).toBe(
      `Dokploy application.one answered about application ${other.applicationId}, not ${asked.applicationId} that was asked for. A cache or proxy in front of Dokploy may ignore the query string; nothing was changed.`,
    );
  });
});

describe("connectionHint", () => {
  it.each([
    ["DEPTH_ZERO_SELF_SIGNED_CERT", /NODE_EXTRA_CA_CERTS/],
    ["SELF_SIGNED_CERT_IN_CHAIN", /NODE_EXTRA_CA_CERTS/],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", /NODE_EXTRA_CA_CERTS/],
    ["CERT_HAS_EXPIRED", /has expired/],
    ["ERR_TLS_CERT_ALTNAME_INVALID", /another host name/],
  ])("explains %s", (code, hint) => {
    expect(connectionHint(code)).toMatch(hint);
  });

  it("says nothing about other codes", () => {
    expect(connectionHint("ECONNREFUSED")).toBe("");
    expect(connectionHint(undefined)).toBe("");
  });
});
