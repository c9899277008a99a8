/**
 * Answers that take their time or cannot be read, run against the bundled action: an answer
 * that trickles, a deployment.all that falls silent during the wait, an answer to a change that
 * Dokploy made but that cannot be read. Every time limit the step has must hold, and what
 * Dokploy may have done must be said.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from "node:http";
import { type AddressInfo, type Socket, connect } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { DEPLOY_ONLY, useStandIn } from "../support/fixtures";
import { tempDir } from "../support/temp";
import { errorAnnotations } from "../support/workflow-commands";

const rig = inject("rig");
const API_KEY = `MARKER-API-${randomBytes(10).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY });

/** How the proxy answers a procedure instead of passing it through. */
type Rule =
  /** 200, then one byte every `everyMs`, never ending. */
  | { readonly kind: "trickle"; readonly everyMs: number }
  /** Takes the request and never answers, from the `from`th call on (1: every call). */
  | { readonly kind: "silent"; readonly from: number }
  /** Passed through (Dokploy does it), then answered with this instead of Dokploy's answer, once. */
  | { readonly kind: "instead"; readonly status: number; readonly body: string };

interface Proxy {
  readonly url: string;
  /** performance.now() of each request, by procedure. */
  readonly seen: Map<string, number[]>;
  stop(): Promise<void>;
}

function procedureOf(path: string): string {
  return (path.split("?")[0] ?? "").replace(/^\/api\/(trpc\/)?/, "");
}

/** Passes a request to the stand-in; resolves with its answer, read whole. */
function forward(
  target: URL,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; head: object; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (c: Buffer) => chunks.push(c));
        answer.on("end", () => {
          resolve({ status: answer.statusCode ?? 502, head: answer.headers, body: Buffer.concat(chunks) });
        });
      },
    );
    upstream.on("error", reject);
    upstream.end(body);
  });
}

/** A proxy in front of the stand-in that answers the procedures in `rules` its own way. */
async function startProxy(target: string, rules: Readonly<Record<string, Rule>>): Promise<Proxy> {
  const upstream = new URL(target);
  const seen = new Map<string, number[]>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const used = new Set<Rule>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const procedure = procedureOf(req.url ?? "/");
    const calls = [...(seen.get(procedure) ?? []), performance.now()];
    seen.set(procedure, calls);
    const rule = rules[procedure];
    if (rule?.kind === "silent" && calls.length >= rule.from) return;
    if (rule?.kind === "trickle") {
      res.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => res.write(" "), rule.everyMs);
      timers.add(timer);
      res.on("close", () => {
        clearInterval(timer);
      });
      return;
    }
    const answer = await forward(upstream, req, Buffer.concat(chunks));
    if (rule?.kind === "instead" && !used.has(rule)) {
      used.add(rule);
      res.writeHead(rule.status, { "content-type": "application/json" }).end(rule.body);
      return;
    }
    res.writeHead(answer.status, answer.head as Record<string, string>).end(answer.body);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // The live log's WebSocket, passed through untouched.
  server.on("upgrade", (req: IncomingMessage, client: Socket, head: Buffer) => {
    const socket = connect(Number(upstream.port), upstream.hostname, () => {
      const headers = Object.entries(req.headers).map(([name, value]) => `${name}: ${String(value)}`);
      socket.write(`${req.method ?? "GET"} ${req.url ?? "/"} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n`);
      socket.write(head);
      socket.pipe(client).pipe(socket);
    });
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => client.destroy());
    client.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    seen,
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let proxy: Proxy | undefined;
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

/** Inputs that deploy an image already pushed, through a proxy with these rules. */
async function throughProxy(
  applicationId: string,
  rules: Readonly<Record<string, Rule>>,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  proxy = await startProxy(standIn().url, rules);
  return {
    "dokploy-url": proxy.url,
    "dokploy-api-key": API_KEY,
    "application-id": applicationId,
    image: `${rig.registryHost}/hostile/waits`,
    ...DEPLOY_ONLY,
    ...extra,
  };
}

describe("a Dokploy request's time limit", () => {
  it("ends an answer that trickles one byte every 2 s at request-timeout, however often the GC runs", async () => {
    // The garbage collector runs every 10 ms in the action's process.
    const dir = await tempDir("gc");
    const preload = join(dir, "gc-often.cjs");
    await writeFile(preload, "setInterval(() => globalThis.gc(), 10).unref();\n");
    const env = { NODE_OPTIONS: `--expose-gc --require ${preload}` };
    const app = standIn().addApplication();
    // Three runs: a limit that can vanish did so in two runs out of three.
    for (let run = 1; run <= 3; run++) {
      const inputs = await throughProxy(
        app.applicationId,
        { "deployment.all": { kind: "trickle", everyMs: 2_000 } },
        { "request-timeout": "3", retries: "0" },
      );
      const started = Date.now();
      const ran = await runAction({ inputs, env, killAfterMs: 45_000 });
      await proxy?.stop();
      proxy = undefined;
      expect(ran.killed, `run ${String(run)} was still going 45 s after it started`).toBe(false);
      expect(ran.exitCode).toBe(1);
      expect(errorAnnotations(ran.stdout)).toContain("(deployment.all): no answer within 3 s");
      // A 3 s limit on the one request that hangs; the rest is the action's own start.
      expect(ran.exitedAt - started).toBeLessThan(30_000);
    }
  });
});

describe("wait-timeout", () => {
  it("holds when deployment.all falls silent during the wait: no request or retry outlasts it", async () => {
    const app = standIn().addApplication();
    standIn().scriptDeployments(app.applicationId, { durationMs: 60_000 });
    // The first deployment.all (before the trigger) is answered; the wait's are not.
    const inputs = await throughProxy(
      app.applicationId,
      { "deployment.all": { kind: "silent", from: 2 } },
      { "wait-timeout": "5" },
    );
    const run = await runAction({ inputs, killAfterMs: 110_000 });
    const waitStarted = proxy?.seen.get("deployment.all")?.[1];
    expect(waitStarted, "the wait never looked at deployment.all").toBeDefined();
    const waitStartedAt = performance.timeOrigin + (waitStarted ?? 0);
    expect(run.killed).toBe(false);
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run.stdout)).toContain("did not start within 5 s (wait-timeout)");
    expect(run.outputs["deployment-status"]).toBe("timeout");
    // 5 s, with a generous margin for the step's exit (it took 56 s when retries ignored the limit).
    expect(run.exitedAt - waitStartedAt).toBeLessThan(15_000);
  });
});

describe("an answer to a change that cannot be read", () => {
  const NESTED = "[".repeat(100_000) + "]".repeat(100_000);

  it("retries a saveDockerProvider answered 502 with deeply nested JSON, and deploys", async () => {
    const app = standIn().addApplication({ sourceType: "docker", dockerImage: "127.0.0.1:1/app:old" });
    const inputs = await throughProxy(app.applicationId, {
      "application.saveDockerProvider": { kind: "instead", status: 502, body: NESTED },
    });
    const run = await runAction({ inputs });
    expect(run.stdout).not.toContain("Maximum call stack size exceeded");
    expect(run.exitCode, errorAnnotations(run.stdout)).toBe(0);
    expect(run.outputs["deployment-status"]).toBe("done");
    expect(app.dockerImage).toBe(`${rig.registryHost}/hostile/waits:v1`);
  });

  it("says a redeploy answered 200 outside tRPC's envelope may have been triggered", async () => {
    const app = standIn().addApplication({ sourceType: "docker", dockerImage: "127.0.0.1:1/app:old" });
    const inputs = await throughProxy(app.applicationId, {
      "application.redeploy": { kind: "instead", status: 200, body: '{"ok":true}' },
    });
    const run = await runAction({ inputs });
    expect(run.exitCode).toBe(1);
    const error = errorAnnotations(run.stdout);
    expect(error).toContain("Dokploy may have carried out application.redeploy all the same");
    expect(error).toMatch(/redeploy "[^"]*" may have been triggered/);
    expect(error).not.toContain("no deployment was triggered");
  });
});
