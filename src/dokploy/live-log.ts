import type { Socket } from "node:net";
import { TextDecoder } from "node:util";
import { Agent, WebSocket, buildConnector } from "undici";
import type { Logger, Redactor } from "../shared/log";

export interface LiveLogOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly logPath: string;
  readonly serverId?: string | null;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** Called when a line says the deployment is ending (look now rather than at the next poll). */
  readonly onEnding?: () => void;
  /** Called with the number of whole lines each message completed: the log is alive. */
  readonly onLines?: (count: number) => void;
  /** Lines kept for the failure message. */
  readonly tailLines?: number;
  /** How long close() waits for the server's answer before it destroys the socket. */
  readonly closeDeadlineMs?: number;
}

export interface LiveLog {
  /** The last lines received. */
  tail(): string[];
  /** Whether the stream is still open. */
  readonly open: boolean;
  /** Resolves once some of the log has arrived or the stream ended, or after `ms`. */
  received(ms: number): Promise<void>;
  close(): void;
}

/**
 * Lines Dokploy writes as a deployment ends: "Docker Deployed: ✅" after a build, "✅ Pulling
 * image completed." before the service update of an image, and its error lines ("Error occurred
 * ❌", "ERROR: …: ❌", "❌ Error").
 */
export const ENDING_LINE = /Docker Deployed: ✅|✅ Pulling image completed|❌/;

/** A log line is printed up to this long, and kept for the failure message up to TAIL_LINE_LIMIT. */
export const PRINTED_LINE_LIMIT = 4096;
export const TAIL_LINE_LIMIT = 1000;
/** A line that has not ended is buffered up to this long; the rest of it is only counted. */
const BUFFERED_LINE_LIMIT = 64 * 1024;
/** A close the server does not answer (a frozen proxy, a half-open connection) waits this long. */
export const CLOSE_DEADLINE_MS = 1000;

/** ws(s)://…/listen-deployment?logPath=… for a Dokploy base URL. */
export function liveLogUrl(baseUrl: string, logPath: string, serverId?: string | null): string {
  const url = new URL(`${baseUrl}/listen-deployment`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("logPath", logPath);
  if (serverId) url.searchParams.set("serverId", serverId);
  return url.toString();
}

/** A line received: its text (at most BUFFERED_LINE_LIMIT) and how many characters of it were dropped. */
export interface LogLine {
  readonly text: string;
  readonly dropped: number;
}

/** `line` cut to `limit`, saying how many characters were left out. */
export function shorten(line: LogLine, limit: number): string {
  const length = line.text.length + line.dropped;
  if (length <= limit) return line.text;
  return `${line.text.slice(0, limit)}… (${String(length - limit)} more characters)`;
}

/** Splits chunks of text into lines; a line that never ends costs at most BUFFERED_LINE_LIMIT. */
export class LineSplitter {
  private partial = "";
  private dropped = 0;

  push(text: string): LogLine[] {
    const lines: LogLine[] = [];
    const parts = text.split("\n");
    parts.forEach((part, i) => {
      const room = BUFFERED_LINE_LIMIT - this.partial.length;
      this.partial += part.slice(0, Math.max(0, room));
      this.dropped += Math.max(0, part.length - room);
      if (i < parts.length - 1) lines.push(this.take());
    });
    return lines;
  }

  /** The line not ended yet, if any. */
  flush(): LogLine[] {
    return this.partial || this.dropped ? [this.take()] : [];
  }

  private take(): LogLine {
    const line = { text: this.partial.replace(/\r$/, ""), dropped: this.dropped };
    this.partial = "";
    this.dropped = 0;
    return line;
  }
}

/**
 * The live log's own connection: its socket never keeps the process alive (unref), and
 * destroy() ends it at once, whatever the server does.
 */
function ownConnection(): { agent: Agent; destroy: () => void } {
  const connect = buildConnector({});
  const sockets = new Set<Socket>();
  const agent = new Agent({
    connect: (options, callback) => {
      connect(options, (...result) => {
        const [, socket] = result;
        if (socket) {
          socket.unref();
          sockets.add(socket);
        }
        callback(...result);
      });
    },
  });
  return {
    agent,
    destroy: () => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      agent.destroy().catch(() => undefined);
    },
  };
}

function closeReason(code: number): string {
  if (code === 1005 || code === 1006)
    return `the socket closed at once (code ${String(code)}): Dokploy did not accept the API key for it or a proxy does not pass WebSockets`;
  if (code === 4000) return "Dokploy refused the log path (code 4000)";
  return `closed with code ${String(code)}`;
}

/** The text of a message: text frames as they are, binary frames decoded (a character may span two). */
function messageText(data: unknown, decoder: TextDecoder): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return decoder.decode(new Uint8Array(data), { stream: true });
  return "";
}

class DeploymentLogStream implements LiveLog {
  private readonly lines: string[] = [];
  private readonly splitter = new LineSplitter();
  private readonly decoder = new TextDecoder();
  private readonly connection = ownConnection();
  private readonly socket: WebSocket;
  private readonly firstData: Promise<void>;
  private arrived: () => void = () => undefined;
  private closedByUs = false;
  private isOpen = true;
  private deadline: NodeJS.Timeout | undefined;

  constructor(private readonly options: LiveLogOptions) {
    this.firstData = new Promise<void>((resolve) => {
      this.arrived = resolve;
    });
    this.socket = new WebSocket(liveLogUrl(options.baseUrl, options.logPath, options.serverId), {
      headers: { "x-api-key": options.apiKey },
      dispatcher: this.connection.agent,
    });
    this.socket.binaryType = "arraybuffer";
    this.socket.addEventListener("message", (event) => {
      this.onMessage(event.data as unknown);
    });
    this.socket.addEventListener("close", (event) => {
      this.stopped(closeReason(event.code));
    });
    this.socket.addEventListener("error", () => {
      this.stopped("the connection failed");
    });
  }

  get open(): boolean {
    return this.isOpen;
  }

  tail(): string[] {
    return [...this.lines];
  }

  async received(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.firstData, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  close(): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    if (this.isOpen) this.splitter.flush().forEach(this.emit);
    this.isOpen = false;
    try {
      this.socket.close(1000);
    } catch {
      // Closing a socket that never opened throws; there is nothing to close then.
    }
    this.deadline = setTimeout(this.connection.destroy, this.options.closeDeadlineMs ?? CLOSE_DEADLINE_MS);
    this.deadline.unref();
  }

  private onMessage(data: unknown): void {
    try {
      const received = this.splitter.push(messageText(data, this.decoder));
      received.forEach(this.emit);
      this.arrived();
      this.options.onLines?.(received.length);
      if (received.some((line) => ENDING_LINE.test(line.text))) this.options.onEnding?.();
    } catch (error) {
      // A message we cannot read is not worth the run.
      this.options.logger.debug(`Live log: could not read a message: ${String(error)}`);
    }
  }

  /** Masked first, then cut: a secret across a cut would otherwise show its beginning. */
  private readonly emit = (line: LogLine): void => {
    const { logger, redactor } = this.options;
    // A line longer than BUFFERED_LINE_LIMIT ends where it was cut off: mask a secret begun there.
    const text = line.dropped > 0 ? redactor.redactCutOff(line.text) : redactor.redact(line.text);
    const masked = { text, dropped: line.dropped };
    logger.info(`│ ${shorten(masked, PRINTED_LINE_LIMIT)}`);
    this.lines.push(shorten(masked, TAIL_LINE_LIMIT));
    if (this.lines.length > (this.options.tailLines ?? 30)) this.lines.shift();
  };

  private stopped(why: string): void {
    this.arrived();
    clearTimeout(this.deadline);
    this.connection.destroy();
    if (!this.isOpen) return;
    this.isOpen = false;
    this.splitter.flush().forEach(this.emit);
    if (!this.closedByUs)
      this.options.logger.info(`Live log unavailable (${why}); following the deployment by polling.`);
  }
}

/**
 * Streams a deployment's log into the CI log through Dokploy's WebSocket. The socket never
 * closes by itself, so the caller closes it once the deployment row is final; a server that
 * does not answer that close gets CLOSE_DEADLINE_MS, then the socket is destroyed. The socket
 * never keeps the process alive. If it fails or closes early, the caller goes on by polling:
 * a live log is a comfort, not a requirement.
 */
export function streamDeploymentLog(options: LiveLogOptions): LiveLog {
  return new DeploymentLogStream(options);
}
