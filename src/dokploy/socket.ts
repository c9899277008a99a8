import type { Socket } from "node:net";
import type { TextDecoder } from "node:util";
import { Agent, buildConnector } from "undici";

/*
 * What Dokploy's WebSockets share: the deployment log and a container's log arrive as text in
 * chunks, split into lines here, on a connection of their own that never keeps the process alive.
 */

/** A log line is printed up to this long, and kept for the failure message up to TAIL_LINE_LIMIT. */
export const PRINTED_LINE_LIMIT = 4096;
export const TAIL_LINE_LIMIT = 1000;
/** A line that has not ended is buffered up to this long; the rest of it is only counted. */
const BUFFERED_LINE_LIMIT = 64 * 1024;
/** A close the server does not answer (a frozen proxy, a half-open connection) waits this long. */
export const CLOSE_DEADLINE_MS = 1000;

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

  /** Forgets the line not ended yet. */
  reset(): void {
    this.partial = "";
    this.dropped = 0;
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
export function ownConnection(): { agent: Agent; destroy: () => void } {
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

export function closeReason(code: number, asked = "the log path"): string {
  if (code === 1005 || code === 1006)
    return `the socket closed at once (code ${String(code)}): Dokploy did not accept the API key for it or a proxy does not pass WebSockets`;
  if (code === 4000) return `Dokploy refused ${asked} (code 4000)`;
  if (code === 4003) return "Dokploy said the API key may not read it (code 4003)";
  return `closed with code ${String(code)}`;
}

/** The text of a message: text frames as they are, binary frames decoded (a character may span two). */
export function messageText(data: unknown, decoder: TextDecoder): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return decoder.decode(new Uint8Array(data), { stream: true });
  return "";
}
