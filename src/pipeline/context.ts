import { randomBytes } from "node:crypto";
import type { Dispatcher } from "undici";
import type { BuildContext } from "../build/context";
import { Docker } from "../build/docker";
import { type Config, secretsOf } from "../config/config";
import type { Dokploy } from "../dokploy/procedures";
import { stopIfCancelled } from "../record/context";
import { Ledger } from "../record/ledger";
import { Redactor, redactingLogger } from "../shared/log";
import { imageRef } from "../shared/image";
import { DEFAULT_RETRY } from "../shared/retry";
import { withLinkedSignal } from "../shared/signals";
import type { Ports } from "./ports";

export { cancelled, stopIfCancelled, timed } from "../record/context";

/**
 * One run's state, handed to every stage: what each capability's stages declare they need
 * (build/context.ts, registry/context.ts, targets/context.ts), with every port.
 */
export interface RunContext extends BuildContext {
  readonly config: Config;
  readonly ports: Ports;
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

export function createContext(config: Config, ports: Ports, signal: AbortSignal): RunContext {
  const redactor = new Redactor();
  for (const secret of secretsOf(config)) redactor.add(secret);
  const logger = redactingLogger(ports.logger, redactor);
  const ledger = new Ledger(ports.onChange);
  const sleep = async (ms: number, wake?: AbortSignal) => {
    // Not AbortSignal.any: the signal it makes can be garbage-collected while it is awaited.
    await withLinkedSignal([wake, signal], undefined, (either) => ports.sleep(ms, either));
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
    image: imageRef(config.image, config.tag),
    docker: new Docker(ports.exec, logger),
    policy: { ...DEFAULT_RETRY, retries: config.retries, maxElapsedMs: config.retryMaxTimeSeconds * 1000 },
    retryPorts: { logger, clock: ports.clock, sleep, random: ports.random },
    runToken: randomBytes(6).toString("hex"),
  };
}
