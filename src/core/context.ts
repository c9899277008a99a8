import { randomBytes } from "node:crypto";
import type { Dispatcher } from "undici";
import { type Config, secretsOf } from "./config";
import { Docker } from "./docker";
import type { Dokploy } from "./dokploy/procedures";
import { CancelledError } from "./errors";
import { imageRef } from "./image";
import { Ledger } from "./ledger";
import { type Logger, Redactor, redactingLogger } from "./log";
import type { Ports } from "./ports";
import type { Result } from "./result";
import { DEFAULT_RETRY, type RetryPolicy, type RetryPorts } from "./retry";

/** One run's state, handed to every stage. */
export interface RunContext {
  readonly config: Config;
  /** The ports, with a logger that masks secrets and a sleep that ends when the run is cancelled. */
  readonly ports: Ports;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly result: Result;
  readonly ledger: Ledger;
  /** Aborted when the run is cancelled; its reason is the signal's name. */
  readonly signal: AbortSignal;
  readonly docker: Docker;
  readonly policy: RetryPolicy;
  readonly retryPorts: RetryPorts;
  /** Unique to this run, written into the descriptions of its deployments to tell them from others'. */
  readonly runToken: string;
}

/** The context once the HTTP client is loaded (while docker works). */
export interface Online extends RunContext {
  readonly remote: typeof import("./remote");
  readonly dispatcher?: Dispatcher;
}

/** The context once Dokploy's client is made. */
export interface Connected extends Online {
  readonly dokploy: Dokploy;
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

export function createContext(config: Config, ports: Ports, signal: AbortSignal): RunContext {
  const redactor = new Redactor();
  for (const secret of secretsOf(config)) redactor.add(secret);
  const logger = redactingLogger(ports.logger, redactor);
  const ledger = new Ledger(ports.onChange);
  const sleep = async (ms: number, wake?: AbortSignal) => {
    await ports.sleep(ms, wake ? AbortSignal.any([wake, signal]) : signal);
    stopIfCancelled({ signal, ledger });
  };
  const cancellable: Ports = { ...ports, logger, sleep };
  return {
    config,
    ports: cancellable,
    logger,
    redactor,
    ledger,
    signal,
    result: { image: imageRef(config.image, config.tag), tag: config.tag, targets: [], timings: [] },
    docker: new Docker(ports.exec, logger),
    policy: { ...DEFAULT_RETRY, retries: config.retries, maxElapsedMs: config.retryMaxTimeSeconds * 1000 },
    retryPorts: { logger, clock: ports.clock, sleep, random: ports.random },
    runToken: randomBytes(6).toString("hex"),
  };
}

/** Runs a stage in a log group (where the CI has them) and records how long it took. */
export async function timed<T>(ctx: RunContext, step: string, fn: () => Promise<T>, group = true): Promise<T> {
  const { ports, result } = ctx;
  const started = ports.clock();
  try {
    return await (group ? ctx.logger.group(step, fn) : fn());
  } finally {
    result.timings.push({ step, seconds: (ports.clock() - started) / 1000 });
  }
}
