import { createHash } from "node:crypto";
import { type Server, type Socket, createServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DokployStandIn } from "../support/dokploy-stand-in";
import { MemoryLogger } from "../support/loggers";
import { LineSplitter, liveLogUrl, shorten, streamDeploymentLog } from "../../src/dokploy/live-log";
import { Redactor } from "../../src/shared/log";

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

/** A server that does the WebSocket upgrade by hand and then does what `behave` says. */
class RawWebSocketServer {
  private readonly server: Server;
  readonly sockets = new Set<Socket>();
  /** Sockets the client ended or destroyed. */
  closed = 0;
  /** Frames the client sent, by opcode. */
  readonly opcodes: number[] = [];

  constructor(behave: (socket: Socket, accept: string) => void) {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on("close", () => {
        this.closed += 1;
        this.sockets.delete(socket);
      });
      socket.on("error", () => undefined);
      socket.once("data", (request) => {
        const key = /sec-websocket-key: *(\S+)/i.exec(request.toString())?.[1] ?? "";
        const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
        socket.on("data", (frame) => this.opcodes.push((frame[0] ?? 0) & 0x0f));
        behave(socket, accept);
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    return `http://127.0.0.1:${String(typeof address === "object" && address ? address.port : 0)}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function upgraded(socket: Socket, accept: string): void {
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
}

/** An unmasked server frame: 0x81 text, 0x82 binary (payloads under 126 bytes). */
function frame(opcode: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]);
}

describe("streamDeploymentLog against hostile WebSocket servers", () => {
  let server: RawWebSocketServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it("reads text and binary frames, with a character split between two binary frames", async () => {
    const bytes = Buffer.from("Pulling ✅ done\n", "utf8");
    const split = bytes.indexOf(Buffer.from("✅")) + 1;
    server = new RawWebSocketServer((socket, accept) => {
      upgraded(socket, accept);
      socket.write(frame(0x1, Buffer.from("text line\n")));
      socket.write(frame(0x2, bytes.subarray(0, split)));
      socket.write(frame(0x2, bytes.subarray(split)));
    });
    const log = streamDeploymentLog({
      baseUrl: await server.start(),
      apiKey: KEY,
      logPath: "/l",
      logger,
      redactor: redactor(),
    });
    await until(() => logger.lines.includes("info: │ Pulling ✅ done"));
    expect(logger.lines.filter((l) => l.startsWith("info: │"))).toEqual([
      "info: │ text line",
      "info: │ Pulling ✅ done",
    ]);
    log.close();
  });

  it("destroys the socket when the server never answers the close frame", async () => {
    server = new RawWebSocketServer((socket, accept) => {
      upgraded(socket, accept);
      socket.write(frame(0x1, Buffer.from("one\n")));
    });
    const log = streamDeploymentLog({
      baseUrl: await server.start(),
      apiKey: KEY,
      logPath: "/l",
      logger,
      redactor: redactor(),
      closeDeadlineMs: 50,
    });
    await until(() => logger.lines.includes("info: │ one"));
    log.close();
    await until(() => server?.closed === 1);
    expect(server.opcodes).toContain(0x8);
    expect(log.open).toBe(false);
  });

  it("gives up on, and destroys, a socket whose upgrade has a wrong Sec-WebSocket-Accept", async () => {
    server = new RawWebSocketServer((socket) => {
      upgraded(socket, Buffer.from("wrong").toString("base64"));
    });
    const log = streamDeploymentLog({
      baseUrl: await server.start(),
      apiKey: KEY,
      logPath: "/l",
      logger,
      redactor: redactor(),
    });
    await until(() => !log.open);
    await until(() => server?.closed === 1);
    expect(logger.text()).toContain("Live log unavailable");
  });
});

describe("LineSplitter", () => {
  it("keeps at most 64 KiB of a line that never ends, counting the rest", () => {
    const splitter = new LineSplitter();
    expect(splitter.push("a\r\nb")).toEqual([{ text: "a", dropped: 0 }]);
    for (let i = 0; i < 100; i++) expect(splitter.push("x".repeat(10_000))).toEqual([]);
    const [line] = splitter.push("y\nnext");
    expect(line?.text.length).toBe(64 * 1024);
    expect(line?.dropped).toBe(1 + 100 * 10_000 + 1 - 64 * 1024);
    expect(splitter.flush()).toEqual([{ text: "next", dropped: 0 }]);
    expect(shorten({ text: "abcdef", dropped: 4 }, 3)).toBe("abc… (7 more characters)");
  });
});

describe("catching the live log up with the file once the deployment is final", () => {
  async function streamed(sent: string) {
    const server = new RawWebSocketServer((socket, accept) => {
      upgraded(socket, accept);
      socket.write(frame(0x1, Buffer.from(sent)));
    });
    const url = await server.start();
    const log = streamDeploymentLog({
      baseUrl: url,
      apiKey: KEY,
      logPath: "/etc/dokploy/logs/a/a.log",
      logger,
      redactor: redactor(),
    });
    await log.received(3000);
    return { log, server };
  }
  const printed = () => logger.lines.filter((l) => l.startsWith("info: │")).map((l) => l.slice("info: │ ".length));

  it("prints the file's lines past those streamed, the begun line whole, masked, then closes", async () => {
    const { log, server } = await streamed("one\ntwo\nthr");
    expect(printed()).toEqual(["one", "two"]);
    expect(log.catchUp(`one\ntwo\nthree ${KEY}\nfour\n`, 10)).toBe(true);
    expect(printed()).toEqual(["one", "two", "three ***", "four"]);
    expect(log.tail()).toEqual(["one", "two", "three ***", "four"]);
    expect(log.open).toBe(false);
    await server.stop();
  });

  it("prints nothing when the file is as long as what was read of it: where the stream stopped is not known", async () => {
    const { log, server } = await streamed("one\n");
    expect(log.catchUp("a\nb\nc\n", 3)).toBe(false);
    expect(printed()).toEqual(["one"]);
    expect(log.open).toBe(true);
    log.close();
    await server.stop();
  });

  it("waits for a quiet stream when it cannot catch up, at most as long as it is told", async () => {
    const server = new RawWebSocketServer((socket, accept) => {
      upgraded(socket, accept);
      const timer = setInterval(() => {
        if (!socket.destroyed) socket.write(frame(0x1, Buffer.from("tick\n")));
      }, 50);
      socket.on("close", () => clearInterval(timer));
    });
    const log = streamDeploymentLog({
      baseUrl: await server.start(),
      apiKey: KEY,
      logPath: "/etc/dokploy/logs/a/a.log",
      logger,
      redactor: redactor(),
    });
    await log.received(3000);
    const started = performance.now();
    await log.settled(200, 600);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(590);
    log.close();
    await server.stop();
  });
});
