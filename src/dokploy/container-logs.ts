import { TextDecoder } from "node:util";
import { type Agent, WebSocket } from "undici";
import { type Redactor, printableLines } from "../shared/log";
import {
  LineSplitter,
  type LogLine,
  TAIL_LINE_LIMIT,
  closeReason,
  messageText,
  ownConnection,
  shorten,
} from "./socket";

/** Which container's output to read, and how much of it. */
export interface ContainerLogRequest {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** A swarm task's id (its output, also after it exited), or a container's id or name. */
  readonly containerId: string;
  readonly runType: "swarm" | "native";
  /** The last lines wanted. */
  readonly tail: number;
  /** The remote server the container runs on; none for the Dokploy host. */
  readonly serverId?: string | null;
  /** The application or compose it belongs to: Dokploy grants the read by access to it. */
  readonly serviceId?: string;
  readonly redactor: Redactor;
  /** Once lines arrived, this long without more ends the read (the socket follows forever). */
  readonly quietMs?: number;
  /** The read ends after this long whatever arrives. */
  readonly limitMs?: number;
  readonly signal?: AbortSignal;
}

/** What a read got: the lines, masked and cut; or why there are none. */
export interface ContainerLog {
  readonly lines: readonly string[];
  /** Why the read got nothing, when the socket failed or closed before anything arrived. */
  readonly unavailable?: string;
}

export const QUIET_MS = 1000;
export const LIMIT_MS = 8000;
/** Dokploy's socket sends nothing at all for a container that printed nothing: waiting longer shows no more. */
const SILENT_MS = 3000;
/**
 * For a remote server Dokploy upgrades the socket first, then opens an SSH connection and runs
 * `docker … logs` there: the first frame came 2.7 s after the upgrade on an idle machine, so
 * silence and the limit are longer there.
 */
const REMOTE_SILENT_MS = 8000;
const REMOTE_LIMIT_MS = 12_000;

/** ws(s)://…/docker-container-logs?… for a Dokploy base URL. */
export function containerLogUrl(request: Omit<ContainerLogRequest, "apiKey" | "redactor">): string {
  const url = new URL(`${request.baseUrl}/docker-container-logs`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const params = url.searchParams;
  params.set("containerId", request.containerId);
  params.set("tail", String(request.tail));
  params.set("since", "all");
  params.set("runType", request.runType);
  if (request.serverId) params.set("serverId", request.serverId);
  if (request.serviceId) params.set("serviceId", request.serviceId);
  return url.toString();
}

/** How long to wait for a first frame, and for the whole read. */
function limitsOf(request: ContainerLogRequest): { silentMs: number; limitMs: number } {
  const remote = Boolean(request.serverId);
  return {
    silentMs: remote ? REMOTE_SILENT_MS : SILENT_MS,
    limitMs: request.limitMs ?? (remote ? REMOTE_LIMIT_MS : LIMIT_MS),
  };
}

/** Terminal escape sequences (colours, cursor moves) a program prints: they mean nothing in a report. */
// eslint-disable-next-line no-control-regex -- matching the escape character is the point
const ESCAPE_SEQUENCE = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** Docker's timestamp before each line, to the nanosecond: milliseconds say enough. */
const NANOSECONDS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})\d*Z /;

/**
 * A line as shown: escape sequences removed first (a colour code inside a secret would hide it
 * from the mask), then masked (a cut line has its edge masked too), then cut, control
 * characters made visible.
 */
function shown(line: LogLine, redactor: Redactor): string {
  const plain = line.text.replace(ESCAPE_SEQUENCE, "").replace(NANOSECONDS, "$1Z ");
  const text = line.dropped > 0 ? redactor.redactCutOff(plain) : redactor.redact(plain);
  return printableLines(shorten({ text, dropped: line.dropped }, TAIL_LINE_LIMIT), Infinity).join(" ");
}

/** The socket, the key in its header (never in the URL), binary frames as ArrayBuffers. */
function openSocket(request: ContainerLogRequest, agent: Agent): WebSocket {
  const headers = { "x-api-key": request.apiKey };
  const socket = new WebSocket(containerLogUrl(request), { headers, dispatcher: agent });
  socket.binaryType = "arraybuffer";
  return socket;
}

/**
 * Reads the last lines a container printed through Dokploy's container-log socket (the one
 * its dashboard uses, in every version this step accepts): `docker service logs` of a swarm
 * task, or `docker container logs`. The socket follows the output, so the read ends once it
 * has been quiet for `quietMs` (3 s from the upgrade when nothing arrives, 8 s on a remote
 * server), after `limitMs`, or on the signal. Never throws.
 */
export function readContainerLogs(request: ContainerLogRequest): Promise<ContainerLog> {
  if (request.signal?.aborted) return Promise.resolve({ lines: [], unavailable: "the run was cancelled" });
  const connection = ownConnection();
  const splitter = new LineSplitter();
  const decoder = new TextDecoder();
  const lines: string[] = [];
  const keep = (line: LogLine) => {
    lines.push(shown(line, request.redactor));
    if (lines.length > request.tail) lines.shift();
  };
  const socket = openSocket(request, connection.agent);
  const limits = limitsOf(request);
  return new Promise<ContainerLog>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    let ended = false;
    const end = (why?: string) => {
      // Closing a socket that has not opened fails it at once: its error must not say why again.
      if (ended) return;
      ended = true;
      timers.forEach(clearTimeout);
      request.signal?.removeEventListener("abort", onAbort);
      splitter.flush().forEach(keep);
      try {
        socket.close(1000);
      } catch {
        // A socket that never opened throws on close: there is nothing to close then.
      }
      connection.destroy();
      resolve(lines.length === 0 && why ? { lines, unavailable: why } : { lines });
    };
    const quiet = (ms: number) => {
      clearTimeout(timers[0]);
      timers[0] = setTimeout(() => {
        end(lines.length === 0 ? "the container printed nothing" : undefined);
      }, ms);
    };
    const onAbort = () => {
      end("the run was cancelled");
    };
    request.signal?.addEventListener("abort", onAbort, { once: true });
    socket.addEventListener("message", (event) => {
      splitter.push(messageText(event.data as unknown, decoder)).forEach(keep);
      quiet(request.quietMs ?? QUIET_MS);
    });
    socket.addEventListener("close", (event) => {
      end(closeReason(event.code, "the container id"));
    });
    socket.addEventListener("error", () => {
      end("the connection failed");
    });
    // Silence counts from the upgrade: a slow one is no container that printed nothing.
    socket.addEventListener("open", () => {
      quiet(limits.silentMs);
    });
    timers[1] = setTimeout(() => {
      end("no answer in time");
    }, limits.limitMs);
  });
}
