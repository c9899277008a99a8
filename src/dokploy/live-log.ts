import { TextDecoder } from "node:util";
import { WebSocket } from "undici";
import type { Logger, Redactor } from "../shared/log";
import {
  CLOSE_DEADLINE_MS,
  LineSplitter,
  type LogLine,
  PRINTED_LINE_LIMIT,
  TAIL_LINE_LIMIT,
  closeReason,
  messageText,
  ownConnection,
  shorten,
} from "./socket";

export { CLOSE_DEADLINE_MS, LineSplitter, PRINTED_LINE_LIMIT, TAIL_LINE_LIMIT, shorten } from "./socket";

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
  /**
   * Prints the lines of `text`, the log file as Dokploy read it once the deployment was final,
   * that the stream had not delivered, and closes. False (nothing printed) when `text` cannot be
   * lined up with what was streamed: it is the file's last `limit` lines, and the file may be longer.
   */
  catchUp(text: string, limit: number): boolean;
  /** Resolves once no message arrived for `quietMs`, the stream ended, or `maxMs` passed. */
  settled(quietMs: number, maxMs: number): Promise<void>;
  close(): void;
}

/**
 * Lines Dokploy writes as a deployment ends: "Docker Deployed: ✅" after a build, "✅ Pulling
 * image completed." before the service update of an image, and its error lines ("Error occurred
 * ❌", "ERROR: …: ❌", "❌ Error").
 */
export const ENDING_LINE = /Docker Deployed: ✅|✅ Pulling image completed|❌/;

/** ws(s)://…/listen-deployment?logPath=… for a Dokploy base URL. */
export function liveLogUrl(baseUrl: string, logPath: string, serverId?: string | null): string {
  const url = new URL(`${baseUrl}/listen-deployment`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("logPath", logPath);
  if (serverId) url.searchParams.set("serverId", serverId);
  return url.toString();
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
  /** Whole lines received: the socket sends the file from its first line, so these are its lines 1..n. */
  private whole = 0;
  private lastMessageAt = performance.now();

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

  catchUp(text: string, limit: number): boolean {
    if (!this.isOpen) return true;
    const lines = text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    // Only the file's last `limit` lines: where the stream stopped is not known in a longer file.
    if (lines.length >= limit) return false;
    // The line the stream had begun is among the file's whole lines now.
    this.splitter.reset();
    this.splitter
      .push(
        lines
          .slice(this.whole)
          .map((line) => `${line}\n`)
          .join(""),
      )
      .forEach(this.emit);
    this.close();
    return true;
  }

  async settled(quietMs: number, maxMs: number): Promise<void> {
    const until = performance.now() + maxMs;
    for (;;) {
      const now = performance.now();
      const wait = Math.min(until, this.lastMessageAt + quietMs) - now;
      if (!this.isOpen || wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
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
      this.lastMessageAt = performance.now();
      const received = this.splitter.push(messageText(data, this.decoder));
      this.whole += received.length;
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
