import type { Machine, ServiceRef } from "../dokploy/types";
import { timed } from "../record/context";
import type { TargetResult } from "../record/result";
import type { Logger } from "../shared/log";
import type { TargetsContext } from "./context";

/** What a target ran before this run changed it, and what writes it back: kept in the ledger. */
import type { TargetBefore as Before } from "../record/entries";
export type { Before };

export type { TargetResult } from "../record/result";

/** A target as checked before the build is pushed: what it ran before, and the machine it runs on. */
export interface Checked {
  readonly before: Before;
  readonly machine: Machine;
}

/** A stage's view of one target: the run, the target, and a log that names it when there are several. */
export interface TargetContext extends TargetsContext {
  readonly ref: ServiceRef;
  /** More than one target in this run: log lines and step names say which. */
  readonly several: boolean;
}

/** Prefixes every line with the target's name; no log groups, which cannot interleave. */
function prefixedLogger(inner: Logger, prefix: () => string): Logger {
  return {
    debug: (m) => {
      inner.debug(`${prefix()} ${m}`);
    },
    info: (m) => {
      inner.info(`${prefix()} ${m}`);
    },
    warn: (m) => {
      inner.warn(`${prefix()} ${m}`);
    },
    error: (m) => {
      inner.error(`${prefix()} ${m}`);
    },
    group: (title, fn) => {
      inner.info(`${prefix()} ${title}`);
      return fn();
    },
  };
}

/** The target as the ledger tells it so far: its name, page and deployment once known. */
export function targetOf(ctx: Pick<TargetContext, "ledger" | "ref">): TargetResult {
  return ctx.ledger.target(ctx.ref.id) ?? { kind: ctx.ref.kind, id: ctx.ref.id };
}

/** How a target is called in messages: its name once known, else its id. */
export function targetName(ctx: Pick<TargetContext, "ledger" | "ref">): string {
  return targetOf(ctx).name ?? ctx.ref.id;
}

/** Records the target's status as the step judged it (queued, timeout, unknown, not-running, unstable, superseded). */
export function recordStatus(ctx: Pick<TargetContext, "ledger" | "ref">, status: string, deploymentId?: string): void {
  ctx.ledger.record({ kind: "deployment-status", target: ctx.ref.id, status, deploymentId, said: "step" });
}

export function forTarget(ctx: TargetsContext, ref: ServiceRef, several: boolean): TargetContext {
  if (!several) return { ...ctx, ref, several };
  const logger = prefixedLogger(ctx.logger, () => `[${targetName({ ledger: ctx.ledger, ref })}]`);
  const ports = { ...ctx.ports, logger };
  return { ...ctx, logger, ports, retryPorts: { ...ctx.retryPorts, logger }, ref, several };
}

/** Runs a stage of one target, timed; with several targets, the step names the target. */
export function timedTarget<T>(ctx: TargetContext, step: string, fn: () => Promise<T>, group = true): Promise<T> {
  return timed(ctx, ctx.several ? `${step} (${targetName(ctx)})` : step, fn, group && !ctx.several);
}
