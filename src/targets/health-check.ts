import type { Dispatcher } from "undici";
import { request } from "../shared/undici";
import { HealthCheckError, type HealthResult, connectionHint, errorCode, errorMessage } from "../shared/errors";
import { MiB, readBodyText } from "../shared/http-body";
import type { HealthCheck } from "../config/health-spec";

export { HealthCheckError } from "../shared/errors";
export { type HealthCheck, parseStatuses } from "../config/health-spec";
import type { Logger } from "../shared/log";

export interface HealthPorts {
  readonly logger: Logger;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly dispatcher?: Dispatcher;
}

/** The part of a body searched for health-contains; a health page is far smaller. */
const BODY_LIMIT = MiB;
/** The beginning of the last answer's body kept for a failure's evidence. */
const BODY_SHOWN = 300;

function headersOf(check: HealthCheck): Record<string, string> {
  const headers: Record<string, string> = { "user-agent": "dokploy-deploy health check" };
  const { credentials } = check;
  if (credentials) {
    headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
  }
  return headers;
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
        headers: headersOf(check),
      });
      const body = (await readBodyText(response.body, BODY_LIMIT)).text;
      last = {
        status: response.statusCode,
        latencyMs: Math.round(ports.clock() - sent),
        body: body.slice(0, BODY_SHOWN),
      };
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
      lastProblem = `did not answer: ${errorMessage(error)}${connectionHint(errorCode(error))}`;
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
