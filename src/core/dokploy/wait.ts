import { TimeoutError } from "../errors";
import type { Logger } from "../log";
import type { Deployment, Dokploy } from "./procedures";

export const FINAL_STATUSES = new Set(["done", "error", "cancelled"]);

/** Poll delays: quick at first (deployments of an image often end in under a second), then calmer. */
export const POLL_DELAYS_MS = [250, 250, 500, 500, 1000, 1000, 2000, 2000, 3000, 5000];

export function pollDelay(attempt: number): number {
  return POLL_DELAYS_MS[Math.min(attempt, POLL_DELAYS_MS.length - 1)] ?? 5000;
}

export interface WaitPorts {
  readonly logger: Logger;
  /** Milliseconds on a monotonic clock. */
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface FollowOptions {
  readonly applicationId: string;
  /** deploymentIds that existed before we triggered. */
  readonly known: ReadonlySet<string>;
  readonly title: string;
  readonly timeoutMs: number;
  /** Where a user can look when we stop waiting. */
  readonly applicationUrl: string;
}

/** Ours among new rows: the title we gave, oldest first (one run starts one deployment). */
export function findOurDeployment(
  rows: readonly Deployment[],
  known: ReadonlySet<string>,
  title: string,
): Deployment | undefined {
  const fresh = rows.filter((r) => !known.has(r.deploymentId) && r.title === title);
  return fresh.at(-1);
}

/**
 * Waits for the deployment we triggered to appear and reach a final status. Rows are matched
 * by title among those not in the snapshot, so another run's deployment is never taken for ours.
 */
export async function followDeployment(
  dokploy: Dokploy,
  options: FollowOptions,
  ports: WaitPorts,
): Promise<Deployment> {
  const started = ports.clock();
  const deadline = started + options.timeoutMs;
  let attempt = 0;
  let ours: Deployment | undefined;
  let lastStatus = "";
  for (;;) {
    const rows = await dokploy.deploymentAll(options.applicationId);
    const row = ours
      ? rows.find((r) => r.deploymentId === ours?.deploymentId)
      : findOurDeployment(rows, options.known, options.title);
    if (row) {
      if (!ours) ports.logger.info(`Following deployment ${row.deploymentId} ("${row.title ?? ""}")`);
      ours = row;
      if (row.status !== lastStatus) {
        ports.logger.info(
          `Deployment ${row.deploymentId}: ${row.status} after ${((ports.clock() - started) / 1000).toFixed(1)} s`,
        );
        lastStatus = row.status;
      }
      if (FINAL_STATUSES.has(row.status)) return row;
    }
    const now = ports.clock();
    if (now >= deadline) {
      const seconds = Math.round(options.timeoutMs / 1000);
      throw new TimeoutError(
        ours
          ? `Deployment ${ours.deploymentId} is still ${ours.status} after ${String(seconds)} s (wait-timeout). It may still finish; see ${options.applicationUrl}`
          : `The deployment did not start within ${String(seconds)} s (wait-timeout). Dokploy runs one deployment per application at a time, so it may be queued behind others; see ${options.applicationUrl}`,
      );
    }
    await ports.sleep(Math.min(pollDelay(attempt), deadline - now));
    attempt += 1;
  }
}
