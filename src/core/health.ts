import { type Dispatcher, request } from "undici";
import { DeployError, errorMessage } from "./errors";
import type { Logger } from "./log";

export interface HealthCheck {
  readonly url: string;
  /** Accepted statuses, e.g. [[200, 299]]. */
  readonly statuses: readonly (readonly [number, number])[];
  /** A string the body must contain. */
  readonly contains?: string;
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

export interface HealthPorts {
  readonly logger: Logger;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly dispatcher?: Dispatcher;
}

export interface HealthResult {
  readonly status: number;
  readonly latencyMs: number;
}

export class HealthCheckError extends DeployError {
  constructor(
    message: string,
    readonly last?: HealthResult,
  ) {
    super(message);
    this.name = "HealthCheckError";
  }
}

/** Parses health-status: "2xx", "200", "200-399", or a comma list of those. */
export function parseStatuses(text: string): [number, number][] {
  return text.split(",").map((part) => {
    const p = part.trim().toLowerCase();
    const xx = /^([1-5])xx$/.exec(p);
    if (xx) return [Number(xx[1]) * 100, Number(xx[1]) * 100 + 99];
    const range = /^(\d{3})(?:-(\d{3}))?$/.exec(p);
    if (!range) throw new Error(`"${part.trim()}" is not a status; expected e.g. 2xx, 200, 200-399`);
    const from = Number(range[1]);
    const to = Number(range[2] ?? range[1]);
    if (from < 100 || to > 599 || to < from)
      throw new Error(`"${part.trim()}" is not a status range between 100 and 599`);
    return [from, to];
  });
}

function describe(statuses: HealthCheck["statuses"]): string {
  return statuses.map(([a, b]) => (a === b ? String(a) : `${String(a)}-${String(b)}`)).join(", ");
}

/**
 * GETs the URL until it answers an accepted status (and, if asked, a body containing the
 * string), or the time is up. Each request is limited to the interval or 10 s, whichever is more.
 */
export async function checkHealth(check: HealthCheck, ports: HealthPorts): Promise<HealthResult> {
  const started = ports.clock();
  const deadline = started + check.timeoutMs;
  let last: HealthResult | undefined;
  let lastProblem = "";
  for (let attempt = 1; ; attempt++) {
    const sent = ports.clock();
    try {
      const limit = Math.max(10_000, check.intervalMs);
      const response = await request(check.url, {
        method: "GET",
        dispatcher: ports.dispatcher,
        headersTimeout: limit,
        bodyTimeout: limit,
        signal: AbortSignal.timeout(limit),
        headers: { "user-agent": "dokploy-deploy health check" },
      });
      const body = await response.body.text();
      last = { status: response.statusCode, latencyMs: Math.round(ports.clock() - sent) };
      const statusOk = check.statuses.some(([a, b]) => last !== undefined && last.status >= a && last.status <= b);
      const bodyOk = check.contains === undefined || body.includes(check.contains);
      if (statusOk && bodyOk) {
        ports.logger.info(`Health check: ${check.url} answered ${String(last.status)} in ${String(last.latencyMs)} ms`);
        return last;
      }
      lastProblem = !statusOk
        ? `answered ${String(last.status)}, not ${describe(check.statuses)}`
        : `answered ${String(last.status)} but the body does not contain "${check.contains ?? ""}"`;
    } catch (error) {
      lastProblem = `did not answer: ${errorMessage(error)}`;
    }
    ports.logger.info(`Health check ${String(attempt)}: ${check.url} ${lastProblem}`);
    if (ports.clock() + check.intervalMs > deadline) {
      throw new HealthCheckError(
        `Health check failed: ${check.url} ${lastProblem} (for ${String(Math.round((ports.clock() - started) / 1000))} s, health-timeout ${String(Math.round(check.timeoutMs / 1000))} s)`,
        last,
      );
    }
    await ports.sleep(check.intervalMs);
  }
}
