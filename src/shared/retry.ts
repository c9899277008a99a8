import { DokployError } from "./errors";
import type { Logger } from "./log";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** No retry starts later than this after the first attempt. */
  readonly maxElapsedMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, maxElapsedMs: 60_000, baseDelayMs: 500, maxDelayMs: 8_000 };

export interface RetryPorts {
  readonly logger: Logger;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** [0, 1): jitter source. */
  readonly random?: () => number;
}

/** Full-jitter exponential backoff: a random delay up to base * 2^attempt, capped. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function isRetryable(error: unknown): boolean {
  return error instanceof DokployError && error.retryable;
}

/**
 * Runs `fn` until it succeeds, fails with a non-retryable error, or the policy's count or time
 * runs out. `beforeRetry` may decide the work was done after all (returning a value) or throw.
 */
export async function withRetry<T>(
  what: string,
  policy: RetryPolicy,
  ports: RetryPorts,
  fn: () => Promise<T>,
  beforeRetry?: (error: unknown) => Promise<{ done: true; value: T } | undefined>,
): Promise<T> {
  const started = ports.clock();
  const random = ports.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const elapsed = ports.clock() - started;
      if (!isRetryable(error) || attempt >= policy.retries) throw error;
      const delay = backoffDelay(policy, attempt, random);
      if (elapsed + delay > policy.maxElapsedMs) throw error;
      const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
      ports.logger.warn(
        `${what}: ${reason ?? ""}; retrying in ${(delay / 1000).toFixed(1)} s (retry ${String(attempt + 1)} of ${String(policy.retries)})`,
      );
      await ports.sleep(delay);
      if (beforeRetry) {
        const settled = await beforeRetry(error);
        if (settled) return settled.value;
      }
    }
  }
}
