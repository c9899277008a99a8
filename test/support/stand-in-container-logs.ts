/**
 * The WebSocket side of the Dokploy stand-in: the frames it writes by hand, and what
 * /docker-container-logs does on a live v0.30.2 (seen there):
 * - it upgrades, then sends what `docker service logs --timestamps --raw --tail N --follow <id>`
 *   (or `docker container logs …` for runType native) prints, as text frames: every line with
 *   docker's timestamp to the nanosecond and ending in \r\n (it runs in a pty), the first frame
 *   about 200 ms after the upgrade;
 * - it never closes by itself (--follow), even for a task that exited; a container that printed
 *   nothing gets nothing at all;
 * - code 4000 on a container id, tail or since it refuses; 4003 "Not authorized" when the key
 *   may not read the service; a close without a status (the client sees 1005) on a key it does
 *   not accept.
 */
import { createHash } from "node:crypto";

export const CONTAINER_LOGS_PATH = "/docker-container-logs";
/** A live v0.30.2 sent the output about 200 ms after the upgrade. */
export const FIRST_FRAME_MS = 200;

/** Dokploy's checks of containerId: a docker id (12 to 64 hex digits), or a name of at most 128 characters. */
const DOCKER_ID = /^[a-f0-9]{12,64}$/;
const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const TAIL = /^\d+$/;
const SINCE = /^(all|\d+[smhd])$/;

/** Whether Dokploy takes the container id, tail and since of a /docker-container-logs request. */
export function acceptedParameters(params: URLSearchParams): boolean {
  const id = params.get("containerId") ?? "";
  const validId = DOCKER_ID.test(id) || (id.length <= 128 && DOCKER_NAME.test(id));
  return validId && TAIL.test(params.get("tail") ?? "") && SINCE.test(params.get("since") ?? "");
}

/** One upgrade of /docker-container-logs, as the stand-in saw it. */
export interface ContainerLogConnection {
  /** The path and query string, as requested. */
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
  readonly apiKey: string | undefined;
  /** Date.now() at the upgrade. */
  readonly at: number;
  /** How the stand-in closed it (1005: without a status); none while it follows. */
  closeCode?: number;
}

/** What the test's script of a task's output is told about the task. */
export interface TaskSeen {
  readonly containerId: string;
  /** Its swarm service; none for an id swarm does not know. */
  readonly service?: string;
  readonly image?: string;
  /** Desired state: running, shutdown, ready. */
  readonly state?: string;
}

/** The lines a task printed (none: it printed nothing), by the test's choice. */
export type TaskOutput = (task: TaskSeen) => readonly string[] | undefined;

/** Sec-WebSocket-Accept for a client's Sec-WebSocket-Key. */
export function acceptKey(key: string): string {
  return createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
}

export function switchingProtocols(accept: string): string {
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
}

/** An unmasked server frame, final: opcode 0x1 text, 0x2 binary, 0x8 close; any length. */
export function frame(opcode: number, payload: Buffer): Buffer {
  const first = 0x80 | opcode;
  const header =
    payload.length < 126
      ? Buffer.from([first, payload.length])
      : payload.length < 65536
        ? Buffer.from([first, 126, payload.length >> 8, payload.length & 0xff])
        : Buffer.concat([
            Buffer.from([first, 127]),
            Buffer.from(new BigUint64Array([BigInt(payload.length)]).buffer).reverse(),
          ]);
  return Buffer.concat([header, payload]);
}

/** A close frame: with a status code (and reason), or without one (the client sees 1005). */
export function closeFrame(code?: number, reason = ""): Buffer {
  if (code === undefined) return frame(0x8, Buffer.alloc(0));
  const status = Buffer.from([code >> 8, code & 0xff]);
  return frame(0x8, Buffer.concat([status, Buffer.from(reason, "utf8")]));
}

/** Docker's --timestamps: RFC 3339 to the nanosecond, e.g. 2026-12-07T03:54:17.127426025Z. */
export function dockerTimestamp(at: Date): string {
  const nanos = String(Math.floor(Math.random() * 1e6)).padStart(6, "0");
  return at.toISOString().replace(/Z$/, `${nanos}Z`);
}

/** What `docker service logs --timestamps --raw --tail N` prints of `lines` through a pty. */
export function serviceLogsText(lines: readonly string[], tail: number, at = new Date()): string {
  const kept = tail === 0 ? [] : lines.slice(-tail);
  return kept.map((line) => `${dockerTimestamp(at)} ${line}\r\n`).join("");
}
