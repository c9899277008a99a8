import type { Logger } from "../../src/shared/log";

/** A Logger that keeps every line, for assertions. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  debug(m: string): void {
    this.lines.push(`debug: ${m}`);
  }
  info(m: string): void {
    this.lines.push(`info: ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn: ${m}`);
  }
  error(m: string): void {
    this.lines.push(`error: ${m}`);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push(`group: ${title}`);
    try {
      return await fn();
    } finally {
      this.lines.push("endgroup");
    }
  }
  text(): string {
    return this.lines.join("\n");
  }
}
