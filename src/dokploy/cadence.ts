import type { Logger } from "../shared/log";

/** What following a deployment takes from the world: a log, a monotonic clock, a sleep. */
export interface WaitPorts {
  readonly logger: Logger;
  /** Milliseconds on a monotonic clock. */
  readonly clock: () => number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * How long to wait before the next look at deployment.all when nothing else tells us more:
 * quick at first (a deployment of an image often ends in under a second), then calmer: 0.25 s
 * growing by half each time to 2 s in the first minute (so the end is seen within 2 s), 5 s
 * until three minutes, 10 s after. A 60 s deployment costs about 34 looks, 10 minutes about 100.
 */
export function pollDelay(attempt: number, elapsedMs: number): number {
  const cap = elapsedMs < 60_000 ? 2_000 : elapsedMs < 180_000 ? 5_000 : 10_000;
  return Math.min(cap, Math.round(250 * 1.5 ** attempt));
}

/** After a line that says the deployment is ending, look this soon, and this often for a while. */
export const ENDING_DELAY_MS = 100;
export const ENDING_POLL_MS = 250;
export const ENDING_WINDOW_MS = 3_000;

/**
 * While the live log delivers, look this seldom: the line that says the deployment is ending
 * brings the final look forward, so these looks only catch an end the log does not announce
 * (a deployment cancelled in Dokploy, say).
 */
export const STREAMING_POLL_MS = 15_000;
/** The live log counts as delivering while its last line is at most this old. */
export const LOG_QUIET_MS = 30_000;
/**
 * ...and once it has sent more than its first line. Dokploy writes "Initializing deployment" when
 * the job starts, and a redeploy of an image that goes well writes nothing more, nor a line that
 * says it is ending: such a deployment is followed by the clock.
 */
export const STREAMING_AFTER_LINES = 2;

/**
 * When to look next at our deployment: by the clock while nothing else is known, seldom while
 * the live log streams, and at once (then often, briefly) when a log line says it is ending.
 */
export class Cadence {
  private attempt = 0;
  private quickUntil = 0;
  private heardAt: number | undefined;
  private lines = 0;
  private wake = new AbortController();

  constructor(
    private readonly ports: WaitPorts,
    private readonly started: number,
  ) {}

  /** The live log sent `count` more lines. */
  readonly heard = (count: number): void => {
    if (count === 0) return;
    this.lines += count;
    this.heardAt = this.ports.clock();
  };

  /** A log line says the deployment is ending: look now. */
  readonly ending = (): void => {
    this.wake.abort();
  };

  /** The pause before the next look; `streaming` says the live log is open. */
  delay(now: number, streaming: boolean): number {
    if (now < this.quickUntil) return ENDING_POLL_MS;
    const byClock = pollDelay(this.attempt, now - this.started);
    const alive =
      streaming &&
      this.lines >= STREAMING_AFTER_LINES &&
      this.heardAt !== undefined &&
      now - this.heardAt < LOG_QUIET_MS;
    return alive ? Math.max(byClock, STREAMING_POLL_MS) : byClock;
  }

  /** Sleeps until the next look, or until `deadline`; an ending line cuts the sleep short. */
  async sleep(deadline: number, streaming: boolean): Promise<void> {
    const now = this.ports.clock();
    const delay = Math.min(this.delay(now, streaming), deadline - now);
    // An ending line that came while we were asking needs no sleep first.
    if (!this.wake.signal.aborted) await this.ports.sleep(delay, this.wake.signal);
    if (!this.wake.signal.aborted) {
      this.attempt += 1;
      return;
    }
    // The log says the deployment is ending: look shortly, then often for a few seconds.
    this.wake = new AbortController();
    await this.ports.sleep(ENDING_DELAY_MS);
    this.quickUntil = this.ports.clock() + ENDING_WINDOW_MS;
  }
}
