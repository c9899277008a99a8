import { DeployError, DokployError, TimeoutError } from "../shared/errors";
import { Cadence, type WaitPorts } from "./cadence";
import type { LiveLog } from "./live-log";
import type { Deployment, Dokploy, ServiceRef } from "./procedures";

export type { WaitPorts } from "./cadence";
export {
  ENDING_DELAY_MS,
  ENDING_POLL_MS,
  ENDING_WINDOW_MS,
  LOG_QUIET_MS,
  STREAMING_POLL_MS,
  pollDelay,
} from "./cadence";

export const FINAL_STATUSES = new Set(["done", "error", "cancelled"]);
/** Every status Dokploy's deployment table has (v0.30.2: running, done, error, cancelled). */
export const KNOWN_STATUSES = new Set(["running", ...FINAL_STATUSES]);

/** How long to wait for the log of a deployment that had already failed when we first saw it. */
export const LATE_LOG_WAIT_MS = 2_000;

/**
 * Once our deployment is final, the live log may still lack its last lines: they reach the
 * socket through `tail -f` (over SSH for a remote server) after Dokploy wrote the status. The
 * rest is read from Dokploy (READ_LOG_LINES of the file at most), within SETTLE_MS; a server that
 * cannot read it gets the stream until it has been quiet for SETTLE_QUIET_MS.
 */
export const SETTLE_MS = 3_000;
export const SETTLE_QUIET_MS = 500;
export const READ_LOG_LINES = 10_000;

/**
 * The last look at the deployments starts this long before wait-timeout at the latest: the time
 * it has to answer. Every look gets only what is left of the wait, retries included.
 */
export const LAST_LOOK_MS = 1_000;

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
  readonly openLog?: (
    deployment: Deployment,
    listener: LogListener,
  ) => Promise<LiveLog | undefined> | LiveLog | undefined;
  /** The last `lines` lines of a deployment's log file; undefined when the server cannot read it. */
  readonly readLog?: (deployment: Deployment, lines: number, withinMs: number) => Promise<string | undefined>;
  /** Told each new status of our deployment, as it is seen. */
  readonly onStatus?: (deployment: Deployment) => void;
}

/** What the live log tells the wait as it streams. */
export interface LogListener {
  /** Each message, with the whole lines it completed: the log is alive, so looks can be rare. */
  readonly onLines: (count: number) => void;
  /** A line says the deployment is ending: look now. */
  readonly onEnding: () => void;
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
      ? `Deployment ${ours.deploymentId} is still ${ours.status} after ${limit} s (wait-timeout). This step stopped following it; Dokploy goes on with it, so it may still finish and change what runs. Its log is under Deployments at ${options.applicationUrl}`
      : `The deployment did not start within ${limit} s (wait-timeout). Dokploy runs one deployment per ${options.source.kind} at a time, so it may be queued behind others and may still run and change what runs; see Deployments at ${options.applicationUrl}`,
    ours,
  );
}

/** The deployments, within what is left of the wait; a look that runs out of it ends the wait. */
async function look(
  dokploy: Dokploy,
  options: FollowOptions,
  ours: Deployment | undefined,
  deadline: number,
  ports: WaitPorts,
): Promise<Deployment[]> {
  try {
    return await dokploy.deployments(options.source, Math.max(0, deadline - ports.clock()));
  } catch (error) {
    // No answer, and no time left for another look (a timer may fire a little early).
    const noAnswer = error instanceof DokployError && error.status === undefined;
    if (noAnswer && ports.clock() >= deadline - LAST_LOOK_MS) throw waitTimeout(options, ours);
    throw error;
  }
}

/** On first sight of our deployment: say so, and open its live log (also when it is over already). */
async function firstSight(
  row: Deployment,
  rows: readonly Deployment[],
  options: FollowOptions,
  ports: WaitPorts,
  listener: LogListener,
): Promise<LiveLog | undefined> {
  const others = rows.filter((r) => !options.known.has(r.deploymentId) && r.deploymentId !== row.deploymentId);
  ports.logger.info(
    `Following deployment ${row.deploymentId} ("${row.title ?? ""}")${others.length > 0 ? `; ignoring ${String(others.length)} other new deployment(s) of this ${options.source.kind}` : ""}`,
  );
  if (!row.logPath || !options.openLog) return undefined;
  return options.openLog(row, listener);
}

/** The live log of a final deployment made whole: the lines the stream lacks, read from Dokploy. */
async function settle(log: LiveLog, row: Deployment, options: FollowOptions, deadline: number, ports: WaitPorts) {
  if (!log.open) return;
  const withinMs = Math.max(0, Math.min(SETTLE_MS, deadline - ports.clock()));
  const text = await options.readLog?.(row, READ_LOG_LINES, withinMs).catch((error: unknown) => {
    ports.logger.debug(`Live log: could not read the rest of the log: ${String(error)}`);
    return undefined;
  });
  if (text !== undefined && log.catchUp(text, READ_LOG_LINES)) return;
  await log.settled(SETTLE_QUIET_MS, Math.max(0, Math.min(SETTLE_MS, deadline - ports.clock())));
}

/**
 * Waits for the deployment we triggered to appear and reach a final status. Rows are matched
 * by title among those not in the snapshot, so another run's deployment is never taken for ours.
 * While it runs, its log streams into the CI log: looks are rare while it delivers, and a line
 * that says the deployment is ending brings the next look forward.
 */
export async function followDeployment(dokploy: Dokploy, options: FollowOptions, ports: WaitPorts): Promise<Followed> {
  const started = ports.clock();
  const deadline = started + options.timeoutMs;
  const lastLook = deadline - LAST_LOOK_MS;
  const cadence = new Cadence(ports, started);
  let ours: Deployment | undefined;
  let log: LiveLog | undefined;
  try {
    for (;;) {
      const rows = await look(dokploy, options, ours, deadline, ports);
      const row = ours
        ? rows.find((r) => r.deploymentId === ours?.deploymentId)
        : findOurDeployment(rows, options.known, options.title, options.token);
      if (row) {
        if (!ours) {
          log = await firstSight(row, rows, options, ports, { onLines: cadence.heard, onEnding: cadence.ending });
        }
        // A log that has sent nothing by the end (opened late: the deployment was quick, or over at
        // first sight) gets a moment for its lines: Dokploy sends a log whole on connect.
        if (log && FINAL_STATUSES.has(row.status)) {
          await log.received(Math.max(0, Math.min(LATE_LOG_WAIT_MS, deadline - ports.clock())));
        }
        if (row.status !== ours?.status) {
          options.onStatus?.(row);
          ports.logger.info(
            `Deployment ${row.deploymentId}: ${row.status} after ${((ports.clock() - started) / 1000).toFixed(1)} s`,
          );
        }
        ours = row;
        if (!KNOWN_STATUSES.has(row.status)) throw new UnknownStatusError(row, options.applicationUrl);
        if (FINAL_STATUSES.has(row.status)) {
          if (log) await settle(log, row, options, deadline, ports);
          return { deployment: row, tail: log?.tail() ?? [] };
        }
      } else if (ours) {
        throw new TimeoutError(
          `Deployment ${ours.deploymentId} disappeared from deployment.all (Dokploy keeps the last 11); see ${options.applicationUrl}`,
        );
      }
      if (ports.clock() >= lastLook) throw waitTimeout(options, ours);
      await cadence.sleep(lastLook, log?.open ?? false);
    }
  } finally {
    log?.close();
  }
}
