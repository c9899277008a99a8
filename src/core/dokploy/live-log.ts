import { type Dispatcher, WebSocket } from "undici";
import type { Logger, Redactor } from "../log";

export interface LiveLogOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly logPath: string;
  readonly serverId?: string | null;
  readonly dispatcher?: Dispatcher;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** Called when a line says the deployment is ending (look now rather than at the next poll). */
  readonly onEnding?: () => void;
  /** Lines kept for the failure message. */
  readonly tailLines?: number;
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

/** ws(s)://…/listen-deployment?logPath=… for a Dokploy base URL. */
export function liveLogUrl(baseUrl: string, logPath: string, serverId?: string | null): string {
  const url = new URL(`${baseUrl}/listen-deployment`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("logPath", logPath);
  if (serverId) url.searchParams.set("serverId", serverId);
  return url.toString();
}

/** Splits chunks into lines, prints each, and keeps the last ones for the failure message. */
class LogLines {
  private readonly kept: string[] = [];
  private partial = "";

  constructor(
    private readonly keep: number,
    private readonly print: (line: string) => string,
  ) {}

  /** Adds a chunk; returns the whole lines it completed. */
  add(text: string): string[] {
    const parts = (this.partial + text).split("\n");
    this.partial = parts.pop() ?? "";
    parts.forEach((line) => {
      this.emit(line);
    });
    return parts;
  }

  /** Prints what is left of an unfinished line. */
  flush(): void {
    if (this.partial) this.emit(this.partial);
    this.partial = "";
  }

  tail(): string[] {
    return [...this.kept];
  }

  private emit(line: string): void {
    this.kept.push(this.print(line.replace(/\r$/, "")));
    if (this.kept.length > this.keep) this.kept.shift();
  }
}

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
async function settledOrAfter(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Why the socket closed, in words a user can act on. */
function closeReason(code: number): string {
  if (code === 1005 || code === 1006) {
    return `the socket closed at once (code ${String(code)}): Dokploy did not accept the API key for it or a proxy does not pass WebSockets`;
  }
  return code === 4000 ? "Dokploy refused the log path (code 4000)" : `closed with code ${String(code)}`;
}

/**
 * Streams a deployment's log into the CI log through Dokploy's WebSocket. The socket never
 * closes by itself, so the caller closes it once the deployment row is final. If it fails or
 * closes early, the caller goes on by polling: a live log is a comfort, not a requirement.
 */
export function streamDeploymentLog(options: LiveLogOptions): LiveLog {
  const { logger, redactor } = options;
  const lines = new LogLines(options.tailLines ?? 30, (line) => {
    const clean = redactor.redact(line);
    logger.info(`│ ${clean}`);
    return clean;
  });
  let closedByUs = false;
  let open = true;
  let arrived: () => void = () => undefined;
  const firstData = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const socket = new WebSocket(liveLogUrl(options.baseUrl, options.logPath, options.serverId), {
    headers: { "x-api-key": options.apiKey },
    dispatcher: options.dispatcher,
  });
  socket.addEventListener("message", (event) => {
    const text = typeof event.data === "string" ? event.data : Buffer.from(event.data as ArrayBuffer).toString("utf8");
    const parts = lines.add(text);
    arrived();
    if (parts.some((line) => ENDING_LINE.test(line))) options.onEnding?.();
  });
  const stopped = (why: string) => {
    arrived();
    if (!open) return;
    open = false;
    lines.flush();
    if (!closedByUs) logger.info(`Live log unavailable (${why}); following the deployment by polling.`);
  };
  socket.addEventListener("close", (event) => {
    stopped(closeReason(event.code));
  });
  socket.addEventListener("error", () => {
    stopped("the connection failed");
  });
  return {
    tail: () => lines.tail(),
    get open() {
      return open;
    },
    received: (ms) => settledOrAfter(firstData, ms),
    close: () => {
      closedByUs = true;
      lines.flush();
      open = false;
      try {
        socket.close(1000);
      } catch {
        // Closing a socket that never opened throws; there is nothing to close then.
      }
    },
  };
}
