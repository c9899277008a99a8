/**
 * readContainerLogs: a task's last lines through Dokploy's /docker-container-logs socket, which
 * follows the output and never closes by itself. Against the stand-in (as a live v0.30.2 sends
 * it) and against sockets scripted frame by frame: how the read ends, what each line becomes,
 * and that no secret gets through.
 */
import { type Server, type Socket, createServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ContainerLogRequest, containerLogUrl, readContainerLogs } from "../../src/dokploy/container-logs";
import { Redactor } from "../../src/shared/log";
import { DokployStandIn } from "../support/dokploy-stand-in";
import { acceptKey, closeFrame, frame, switchingProtocols } from "../support/stand-in-container-logs";

const KEY = "container-logs-key-0123456789";
const TASK = "x8k2m4p6r8t0v2w4y6z8a0b2c";
const STAMP = "2026-12-07T03:54:17.127426025Z";
let standIn: DokployStandIn;

beforeEach(async () => {
  standIn = new DokployStandIn({ apiKey: KEY });
  await standIn.start();
});

afterEach(async () => {
  await standIn.stop();
});

function request(overrides: Partial<ContainerLogRequest> = {}): ContainerLogRequest {
  const redactor = new Redactor();
  redactor.add(KEY);
  return {
    baseUrl: standIn.url,
    apiKey: KEY,
    containerId: TASK,
    runType: "swarm",
    tail: 50,
    redactor,
    quietMs: 150,
    ...overrides,
  };
}

/** The read and how long it took. */
async function timed(req: ContainerLogRequest) {
  const started = Date.now();
  const log = await readContainerLogs(req);
  return { log, ms: Date.now() - started };
}

describe("containerLogUrl", () => {
  it("asks for the id's last lines since the start, on ws or wss, under the base URL's path, without the key", () => {
    expect(
      containerLogUrl({ baseUrl: "https://dokploy.example.com", containerId: TASK, runType: "swarm", tail: 50 }),
    ).toBe(`wss://dokploy.example.com/docker-container-logs?containerId=${TASK}&tail=50&since=all&runType=swarm`);
    expect(
      containerLogUrl({
        baseUrl: "http://127.0.0.1:3000/sub",
        containerId: "web-1",
        runType: "native",
        tail: 7,
        serverId: "srv 1",
        serviceId: "app&1",
      }),
    ).toBe(
      "ws://127.0.0.1:3000/sub/docker-container-logs?containerId=web-1&tail=7&since=all&runType=native&serverId=srv+1&serviceId=app%261",
    );
  });
});

describe("readContainerLogs against the stand-in's /docker-container-logs", () => {
  it("reads the task's lines, timestamps to the millisecond, and ends once it was quiet, though the socket never closes", async () => {
    standIn.taskOutput((task) => (task.containerId === TASK ? ["MARKER-hello", "line2"] : undefined));
    const { log, ms } = await timed(request({ quietMs: 400, serverId: "srv-1", serviceId: "app-1" }));

    expect(log).toEqual({
      lines: [expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z MARKER-hello$/), expect.any(String)],
    });
    expect(log.lines[1]).toMatch(/^\S+Z line2$/);
    // About 200 ms to the frame, then 400 ms of quiet: well before the 3 s a silent socket gets.
    expect(ms).toBeGreaterThanOrEqual(550);
    expect(ms).toBeLessThan(2500);
    const [connection] = standIn.containerLogConnections;
    expect(connection?.closeCode).toBeUndefined();
    expect(connection?.params).toEqual({
      containerId: TASK,
      tail: "50",
      since: "all",
      runType: "swarm",
      serverId: "srv-1",
      serviceId: "app-1",
    });
  });

  it("sends the API key in the x-api-key header, never in the URL", async () => {
    standIn.taskOutput(() => ["up"]);
    const { log } = await timed(request());
    expect(log.lines).toHaveLength(1);
    const [connection] = standIn.containerLogConnections;
    expect(connection?.apiKey).toBe(KEY);
    expect(connection?.url).not.toContain(KEY);
    expect(decodeURIComponent(connection?.url ?? "")).not.toContain(KEY);
  });

  it("says the container printed nothing after 3 s without a frame, long before the time limit", async () => {
    const { log, ms } = await timed(request({ limitMs: 8000 }));
    expect(log).toEqual({ lines: [], unavailable: "the container printed nothing" });
    expect(ms).toBeGreaterThanOrEqual(2900);
    expect(ms).toBeLessThan(5000);
  });

  it("explains each close: 4000 for an id Dokploy refuses, 1005 for a key it does not accept, 4003 for a key that may not read it", async () => {
    expect(await readContainerLogs(request({ containerId: "../etc/passwd" }))).toEqual({
      lines: [],
      unavailable: "Dokploy refused the container id (code 4000)",
    });
    expect((await readContainerLogs(request({ apiKey: "not-the-key" }))).unavailable).toMatch(
      /^the socket closed at once \(code 1005\): Dokploy did not accept the API key/,
    );
    const denying = new DokployStandIn({ apiKey: KEY, containerLogsDenied: true });
    await denying.start();
    try {
      expect(await readContainerLogs(request({ baseUrl: denying.url }))).toEqual({
        lines: [],
        unavailable: "Dokploy said the API key may not read it (code 4003)",
      });
    } finally {
      await denying.stop();
    }
  });

  it("says the connection failed where nothing listens, and never throws", async () => {
    expect(await readContainerLogs(request({ baseUrl: "http://127.0.0.1:9" }))).toEqual({
      lines: [],
      unavailable: "the connection failed",
    });
  });
});

/** A server that does the WebSocket upgrade by hand, then sends what the test says. */
class ScriptedSocket {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** The upgrade requests, as they came. */
  readonly requests: string[] = [];

  /** `upgradeAfterMs`: how long the upgrade's answer takes (a slow proxy, a busy server). */
  constructor(behave: (socket: Socket) => void, upgradeAfterMs = 0) {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => undefined);
      socket.once("data", (data) => {
        const text = data.toString();
        this.requests.push(text);
        const key = /sec-websocket-key: *(\S+)/i.exec(text)?.[1] ?? "";
        setTimeout(() => {
          if (socket.destroyed) return;
          socket.write(switchingProtocols(acceptKey(key)));
          behave(socket);
        }, upgradeAfterMs);
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

const text = (s: string) => frame(0x1, Buffer.from(s, "utf8"));

describe("readContainerLogs against a socket scripted frame by frame", () => {
  let server: ScriptedSocket | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  /** Reads from a server that writes `frames` at once, each in a write of its own. */
  async function readFrames(frames: readonly Buffer[], overrides: Partial<ContainerLogRequest> = {}) {
    server = new ScriptedSocket((socket) => {
      for (const f of frames) socket.write(f);
    });
    return readContainerLogs(request({ baseUrl: await server.start(), ...overrides }));
  }

  it("joins lines split across frames, a character split between binary frames too", async () => {
    const bytes = Buffer.from("ready ✅\r\n", "utf8");
    const split = bytes.indexOf(Buffer.from("✅")) + 1;
    const log = await readFrames([
      text(`${STAMP} hel`),
      text(`lo wor`),
      text(`ld\r\n${STAMP} second\r`),
      text(`\n${STAMP} `),
      frame(0x2, bytes.subarray(0, split)),
      frame(0x2, bytes.subarray(split)),
    ]);
    expect(log).toEqual({
      lines: [
        "2026-12-07T03:54:17.127Z hello world",
        "2026-12-07T03:54:17.127Z second",
        "2026-12-07T03:54:17.127Z ready ✅",
      ],
    });
  });

  it("keeps the last `tail` lines of more that arrive", async () => {
    const lines = Array.from({ length: 12 }, (_, i) => `line ${String(i + 1)}\r\n`);
    const log = await readFrames([text(lines.slice(0, 5).join("")), text(lines.slice(5).join(""))], { tail: 3 });
    expect(log.lines).toEqual(["line 10", "line 11", "line 12"]);
  });

  it("keeps a last line that never ended", async () => {
    const log = await readFrames([text("one\r\ntwo, no line end")]);
    expect(log.lines).toEqual(["one", "two, no line end"]);
  });

  it("removes colours and other escape sequences, and shows the control characters left", async () => {
    const log = await readFrames([
      text(`${STAMP} \u001b[31merror\u001b[0m: \u001b[1;33mbold\u001b[m \u001b[2K\u001b[?25lgone\r\n`),
      text("bell\u0007 and nul\u0000 and a lone \u001b escape\r\n"),
    ]);
    expect(log.lines).toEqual([
      "2026-12-07T03:54:17.127Z error: bold gone",
      "bell\\x07 and nul\\x00 and a lone \\x1b escape",
    ]);
  });

  it("shortens docker's timestamp at the start of a line only", async () => {
    const log = await readFrames([
      text(`${STAMP} started at ${STAMP} says the app\r\n2026-12-07T03:54:17.1Z short\r\nno stamp\r\n`),
    ]);
    expect(log.lines).toEqual([
      `2026-12-07T03:54:17.127Z started at ${STAMP} says the app`,
      "2026-12-07T03:54:17.1Z short",
      "no stamp",
    ]);
  });

  it("cuts a long line, saying how much was left out", async () => {
    const log = await readFrames([text(`${"a".repeat(1500)}\r\n`)]);
    expect(log.lines).toEqual([`${"a".repeat(1000)}… (500 more characters)`]);
  });

  it("masks a secret the Redactor knows: plain, base64, and split across frames", async () => {
    const secret = "hunter2-db-password";
    const redactor = new Redactor();
    redactor.add(secret);
    const base64 = Buffer.from(secret).toString("base64");
    const log = await readFrames(
      [text(`password=${secret}\r\n`), text(`auth ${base64}\r\nsplit hunter2-`), text(`db-password end\r\n`)],
      { redactor },
    );
    expect(log.lines).toEqual(["password=***", "auth ***", "split *** end"]);
  });

  it("masks a secret that colour codes split, and one cut at the line's limit", async () => {
    const secret = "hunter2-db-password";
    const redactor = new Redactor();
    redactor.add(secret);
    const long = `${"x".repeat(990)}${secret}`;
    const log = await readFrames(
      [
        text(`${STAMP} DATABASE_PASSWORD=\u001b[32mhunter2\u001b[0m-db-\u001b[1mpassword\u001b[0m\r\n`),
        text(`\u001b[31mhunter2-db-pass\u001b[0mword in red\r\n${long}\r\n`),
      ],
      { redactor },
    );
    expect(log.lines).toEqual([
      "2026-12-07T03:54:17.127Z DATABASE_PASSWORD=***",
      "*** in red",
      `${"x".repeat(990)}***`,
    ]);
    expect(log.lines.join("\n")).not.toMatch(/hunter|password/);
  });

  it("ends with the lines so far once the server closes, without a note", async () => {
    server = new ScriptedSocket((socket) => {
      socket.write(text("last words\r\n"));
      socket.end(closeFrame(1000));
    });
    const { log, ms } = await timed(request({ baseUrl: await server.start(), quietMs: 4000 }));
    expect(log).toEqual({ lines: ["last words"] });
    expect(ms).toBeLessThan(2000);
  });

  it("ends a socket that never goes quiet at limitMs, keeping what arrived", async () => {
    let timer: NodeJS.Timeout | undefined;
    server = new ScriptedSocket((socket) => {
      let n = 0;
      timer = setInterval(() => socket.write(text(`tick ${String((n += 1))}\r\n`)), 50);
      socket.on("close", () => clearInterval(timer));
    });
    const started = Date.now();
    const log = await readContainerLogs(request({ baseUrl: await server.start(), quietMs: 400, limitMs: 700 }));
    clearInterval(timer);
    expect(Date.now() - started).toBeLessThan(1200);
    expect(log.unavailable).toBeUndefined();
    expect(log.lines.length).toBeGreaterThan(5);
    expect(log.lines.at(-1)).toMatch(/^tick \d+$/);
  });

  it("ends at once on the abort signal, with the lines so far; a socket that is silent says the run was cancelled", async () => {
    let timer: NodeJS.Timeout | undefined;
    server = new ScriptedSocket((socket) => {
      timer = setInterval(() => socket.write(text("still going\r\n")), 50);
      socket.on("close", () => clearInterval(timer));
    });
    const baseUrl = await server.start();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 400);
    const reading = timed(request({ baseUrl, quietMs: 5000, limitMs: 8000, signal: abort.signal }));
    const { log, ms } = await reading;
    clearInterval(timer);
    expect(ms).toBeLessThan(1000);
    expect(log.unavailable).toBeUndefined();
    expect(log.lines[0]).toBe("still going");

    const silent = new AbortController();
    setTimeout(() => silent.abort(), 300);
    const quiet = await timed(request({ baseUrl: standIn.url, signal: silent.signal }));
    expect(quiet.ms).toBeLessThan(1000);
    expect(quiet.log).toEqual({ lines: [], unavailable: "the run was cancelled" });
  });

  it("waits the 3 s for a first frame from the upgrade on, not from the request", async () => {
    server = new ScriptedSocket((socket) => {
      setTimeout(() => socket.write(text("slow but here\r\n")), 200);
    }, 3200);
    const { log, ms } = await timed(request({ baseUrl: await server.start(), limitMs: 8000 }));
    expect(log).toEqual({ lines: ["slow but here"] });
    expect(ms).toBeGreaterThanOrEqual(3400);
  });

  it("on a remote server, waits for a first frame that comes after Dokploy's SSH connection, 4 s after the upgrade", async () => {
    server = new ScriptedSocket((socket) => {
      setTimeout(() => socket.write(text("from the server\r\n")), 4000);
    });
    const { log, ms } = await timed(request({ baseUrl: await server.start(), serverId: "remote-1" }));
    expect(log).toEqual({ lines: ["from the server"] });
    expect(ms).toBeGreaterThanOrEqual(4000);
  });

  it("says there was no answer in time when the upgrade takes longer than limitMs", async () => {
    server = new ScriptedSocket(() => undefined, 5000);
    const { log, ms } = await timed(request({ baseUrl: await server.start(), limitMs: 1000 }));
    expect(log).toEqual({ lines: [], unavailable: "no answer in time" });
    expect(ms).toBeLessThan(2000);
  });

  it("says the run was cancelled when the signal ends a read whose upgrade has not come", async () => {
    server = new ScriptedSocket(() => undefined, 5000);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const { log, ms } = await timed(request({ baseUrl: await server.start(), signal: abort.signal }));
    expect(log).toEqual({ lines: [], unavailable: "the run was cancelled" });
    expect(ms).toBeLessThan(1000);
  });

  it("does not connect when the signal was aborted already", async () => {
    const abort = new AbortController();
    abort.abort();
    expect(await readContainerLogs(request({ signal: abort.signal }))).toEqual({
      lines: [],
      unavailable: "the run was cancelled",
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(standIn.containerLogConnections).toEqual([]);
  });
});
