import { CancelledError } from "../shared/errors";
import type { Logger, Redactor } from "../shared/log";
import type { RetryPolicy, RetryPorts } from "../shared/retry";
import type { Ledger } from "./ledger";

/** The ports every stage may use. */
export interface RunPorts {
  readonly logger: Logger;
  /** Milliseconds on a monotonic clock. */
  readonly clock: () => number;
  /** Resolves after `ms`, or early when `signal` aborts (or the run is cancelled). */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * What every stage of a run shares. A capability that needs more declares it in its own
 * context.ts (build/, registry/, targets/); the pipeline's context has all of it.
 */
export interface RunContext {
  /** The inputs: each capability's context says which it reads (config/slices.ts). */
  readonly config: object;
  /** The ports, with a logger that masks secrets and a sleep that ends when the run is cancelled. */
  readonly ports: RunPorts;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** The image reference deployed: repository and tag. */
  readonly image: string;
  readonly ledger: Ledger;
  /** Aborted when the run is cancelled; its reason is the signal's name. */
  readonly signal: AbortSignal;
  readonly policy: RetryPolicy;
  readonly retryPorts: RetryPorts;
  /** Unique to this run, written into the descriptions of its deployments to tell them from others'. */
  readonly runToken: string;
}

/** Throws the run's CancelledError when the run was cancelled. */
export function stopIfCancelled(ctx: Pick<RunContext, "signal" | "ledger">): void {
  if (ctx.signal.aborted) throw cancelled(ctx);
}

/** The error that ends a cancelled run, saying what the run had changed. */
export function cancelled(ctx: Pick<RunContext, "signal" | "ledger">): CancelledError {
  const reason: unknown = ctx.signal.reason;
  const name = typeof reason === "string" ? reason : "SIGINT";
  return new CancelledError(name, `Cancelled (${name}).\n${ctx.ledger.report()}`);
}

/** Runs a stage in a log group (where the CI has them) and records how long it took. */
export async function timed<T>(
  ctx: Pick<RunContext, "ports" | "ledger" | "logger">,
  step: string,
  fn: () => Promise<T>,
  group = true,
): Promise<T> {
  const { ports, ledger } = ctx;
  const started = ports.clock();
  try {
    return await (group ? ctx.logger.group(step, fn) : fn());
  } finally {
    ledger.record({ kind: "timing", step, seconds: (ports.clock() - started) / 1000 });
  }
}
