import { DeployError, TimeoutError } from "../errors";
import type { Logger } from "../log";
import type { LiveLog } from "./live-log";
import type { Deployment, Dokploy, ServiceRef } from "./procedures";

export const FINAL_STATUSES = new Set(["done", "error", "cancelled"]);
/** Every status Dokploy's deployment table has (v0.30.2: running, done, error, cancelled). */
export const KNOWN_STATUSES = new Set(["running", ...FINAL_STATUSES]);

/**
 * How long to wait before the next look at deployment.all: quick at first (a deployment of an
 * image often ends in under a second), then calmer: 0.25 s growing by half each time to 2 s in
 * the first minute (so the end is seen within 2 s), 5 s until three minutes, 10 s after. A 60 s
 * deployment costs about 34 looks, 10 minutes about 100. A log line that says the deployment is
 * ending brings the next look forward.
 */
export function pollDelay(attempt: number, elapsedMs: number): number {
  const cap = elapsedMs < 60_000 ? 2_000 : elapsedMs < 180_000 ? 5_000 : 10_000;
  return Math.min(cap, Math.round(250 * 1.5 ** attempt));
}

/** How long to wait for the log of a deployment that had already failed when we first saw it. */
export const LATE_LOG_WAIT_MS = 2_000;

/** After a line that says the deployment is ending, look this soon, and this often for a while. */
export const ENDING_DELAY_MS = 100;
export const ENDING_POLL_MS = 250;
export const ENDING_WINDOW_MS = 3_000;

export interface WaitPorts {
  readonly logger: Logger;
  /** Milliseconds on a monotonic clock. */
  readonly clock: () => number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface FollowOptions {
  /** The application or compose service deployed. */
  readonly source: ServiceRef;
  /** deploymentIds that existed before we triggered. */
  readonly known: ReadonlySet<string>;
  readonly title: string;
  /** Written into our deployment's description: tells it from another run's of the same commit. */
  readonly token?: string;
  readonly timeoutMs: number;
  /** Where a user can look when we stop waiting. */
  readonly applicationUrl: string;
  /** Opens the live log of a deployment once we know its logPath. */
  readonly openLog?: (deployment: Deployment, onEnding: () => void) => LiveLog | undefined;
  /** Told each new status of our deployment, as it is seen. */
  readonly onStatus?: (deployment: Deployment) => void;
}

export interface Followed {
  readonly deployment: Deployment;
  /** Last lines of its log, when the live log worked. */
  readonly tail: string[];
}

/**
 * Ours among new rows: the title we gave and, when we gave one, our run token in the
 * description (two runs of one commit give the same title); oldest first (one run starts one).
 */
export function findOurDeployment(
  rows: readonly Deployment[],
  known: ReadonlySet<string>,
  title: string,
  token?: string,
): Deployment | undefined {
  return rows
    .filter((r) => !known.has(r.deploymentId) && r.title === title && (!token || (r.description ?? "").includes(token)))
    .at(-1);
}

/** Our deployment has a status this version does not know: waiting on it could last forever. */
export class UnknownStatusError extends DeployError {
  constructor(
    readonly deployment: Deployment,
    applicationUrl: string,
  ) {
    super(
      `Deployment ${deployment.deploymentId} has the status "${deployment.status}", which this version of dokploy-deploy does not know (it knows ${[...KNOWN_STATUSES].join(", ")}). Not waiting on it, and not rolling back: see ${applicationUrl} for how it went, and update dokploy-deploy.`,
    );
    this.name = "UnknownStatusError";
  }
}

/** Thrown on wait-timeout; carries the deployment we were following, if it had started. */
export class WaitTimeoutError extends TimeoutError {
  constructor(
    message: string,
    readonly deployment: Deployment | undefined,
  ) {
    super(message);
  }
}

/** The error for a wait that ran out of time, before or after our deployment started. */
function waitTimeout(options: FollowOptions, ours: Deployment | undefined): WaitTimeoutError {
  const limit = String(Math.round(options.timeoutMs / 1000));
  return new WaitTimeoutError(
    ours
      ? `Deployment ${ours.deploymentId} is still ${ours.status} after ${limit} s (wait-timeout). It may still finish; see ${options.applicationUrl}`
      : `The deployment did not start within ${limit} s (wait-timeout). Dokploy runs one deployment per ${options.source.kind} at a time, so it may be queued behind others and may still run; see ${options.applicationUrl}`,
    ours,
  );
}

/** On first sight of our deployment: say so, and open its live log unless it is done already. */
async function firstSight(
  row: Deployment,
  rows: readonly Deployment[],
  options: FollowOptions,
  ports: WaitPorts,
  onEnding: () => void,
): Promise<LiveLog | undefined> {
  const others = rows.filter((r) => !options.known.has(r.deploymentId) && r.deploymentId !== row.deploymentId);
  ports.logger.info(
    `Following deployment ${row.deploymentId} ("${row.title ?? ""}")${others.length > 0 ? `; ignoring ${String(others.length)} other new deployment(s) of this ${options.source.kind}` : ""}`,
  );
  if (!row.logPath || !options.openLog || row.status === "done") return undefined;
  const log = options.openLog(row, onEnding);
  // Already over, and not well: read its log (sent whole on connect) for the message.
  if (log && FINAL_STATUSES.has(row.status)) await log.received(LATE_LOG_WAIT_MS);
  return log;
}

/**
 * Waits for the deployment we triggered to appear and reach a final status. Rows are matched
 * by title among those not in the snapshot, so another run's deployment is never taken for ours.
 * While it runs, its log streams into the CI log; log activity makes the next look come sooner.
 */
export async function followDeployment(dokploy: Dokploy, options: FollowOptions, ports: WaitPorts): Promise<Followed> {
  const started = ports.clock();
  const deadline = started + options.timeoutMs;
  let attempt = 0;
  let ours: Deployment | undefined;
  let log: LiveLog | undefined;
  let wake = new AbortController();
  let quickUntil = 0;
  const onEnding = () => {
    wake.abort();
  };
  try {
    for (;;) {
      const rows = await dokploy.deployments(options.source);
      const row = ours
        ? rows.find((r) => r.deploymentId === ours?.deploymentId)
        : findOurDeployment(rows, options.known, options.title, options.token);
      if (row) {
        if (!ours) log = await firstSight(row, rows, options, ports, onEnding);
        if (row.status !== ours?.status) {
          options.onStatus?.(row);
          ports.logger.info(
            `Deployment ${row.deploymentId}: ${row.status} after ${((ports.clock() - started) / 1000).toFixed(1)} s`,
          );
        }
        ours = row;
        if (!KNOWN_STATUSES.has(row.status)) throw new UnknownStatusError(row, options.applicationUrl);
        if (FINAL_STATUSES.has(row.status)) return { deployment: row, tail: log?.tail() ?? [] };
      } else if (ours) {
        throw new TimeoutError(
          `Deployment ${ours.deploymentId} disappeared from deployment.all (Dokploy keeps the last 11); see ${options.applicationUrl}`,
        );
      }
      const now = ports.clock();
      if (now >= deadline) throw waitTimeout(options, ours);
      const delay = now < quickUntil ? ENDING_POLL_MS : pollDelay(attempt, now - started);
      // An ending line that came while we were asking needs no sleep first.
      if (!wake.signal.aborted) await ports.sleep(Math.min(delay, deadline - now), wake.signal);
      if (wake.signal.aborted) {
        // The log says the deployment is ending: look shortly, then often for a few seconds.
        wake = new AbortController();
        await ports.sleep(ENDING_DELAY_MS);
        quickUntil = ports.clock() + ENDING_WINDOW_MS;
      } else {
        attempt += 1;
      }
    }
  } finally {
    log?.close();
  }
}
