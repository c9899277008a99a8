import { stopIfCancelled } from "../record/context";
import type { TargetsContext } from "./context";
import { CancelledError, DeployError, HealthCheckError, errorMessage } from "../shared/errors";
import type { EvidenceSection } from "../record/entries";
import { gatherEvidence } from "./evidence";
import { type TargetContext, targetName, targetOf } from "./target";
import { followOurDeployment, triggerOurDeployment } from "./deployment";
import type { Prepared } from "./check";
import { answerOf, checkHealthUrl } from "./health";
import { pointTarget, verifyTarget } from "./kinds";
import { isDeploymentFailure, rollBackTarget } from "./rollback";

/** A target on its way, and how it failed. (Whether the run changed it is in the ledger.) */
interface Deploying extends Prepared {
  error?: unknown;
}

const statusOf = (ctx: TargetContext) => targetOf(ctx).deploymentStatus;

/** One target from pointing it at the image to our image running (or queued, without wait). */
async function deployTarget(run: Deploying): Promise<void> {
  const { ctx, before } = run;
  const pointed = await pointTarget(ctx, before);
  await triggerOurDeployment(ctx, pointed.known);
  if (!ctx.config.wait) return;
  await followOurDeployment(ctx, pointed.known);
  await verifyTarget(ctx, pointed.image);
  if (statusOf(ctx) === "superseded") return;
  ctx.logger.info(`${ctx.image} is live.`);
}

/** The one error for the step: a target's own, or one that lists every target that failed. */
function failureOf(runs: readonly Deploying[]): Error | undefined {
  const failed = runs.filter((run) => run.error !== undefined);
  const cancel = failed.find((run) => run.error instanceof CancelledError);
  if (cancel) return cancel.error as CancelledError;
  if (runs.length === 1 || failed.length === 0) {
    const error = failed[0]?.error;
    return error === undefined ? undefined : error instanceof Error ? error : new Error(String(error));
  }
  const lines = failed.map((run) => `- ${run.ctx.ref.kind} ${targetName(run.ctx)}: ${errorMessage(run.error)}`);
  return new DeployError(`${String(failed.length)} of ${String(runs.length)} targets failed:\n${lines.join("\n")}`);
}

/** Whether to put the targets back: only deployment failures with one target; any failure with several. */
function shouldRollBack(ctx: TargetsContext, runs: readonly Deploying[], failure: Error): boolean {
  if (!ctx.config.rollbackOnFailure || failure instanceof CancelledError || ctx.signal.aborted) return false;
  return runs.length > 1 || isDeploymentFailure(failure);
}

/**
 * Puts back the targets the ledger says this run changed, or may have (an answer lost) (all of them, or with rollback-targets: failed only
 * those that failed), all at once; never one whose status says another run's image or an
 * unknown state is there. Says how each went at the end of the failure's message.
 */
async function rollBackTargets(ctx: TargetsContext, runs: readonly Deploying[], failure: Error): Promise<void> {
  const onlyFailed = ctx.config.rollbackTargets === "failed" && runs.some((run) => run.error !== undefined);
  const scope = runs.filter(
    (run) =>
      ctx.ledger.changed(run.ctx.ref.id) &&
      (!onlyFailed || run.error !== undefined) &&
      !["superseded", "unknown"].includes(statusOf(run.ctx) ?? ""),
  );
  const outcomes = await Promise.all(scope.map((run) => rollBackTarget(run.ctx)));
  if (outcomes.length > 0) failure.message = `${failure.message}\n${outcomes.join("\n")}`;
}

/** The health check's last answer, masked: its status and the beginning of its body. */
function healthSection(ctx: TargetsContext, failure: HealthCheckError): EvidenceSection {
  const { last } = failure;
  const lines = last ? [`HTTP ${answerOf(last)}`, ...(last.body ?? "").split(/\r?\n/).slice(0, 10)] : [];
  return {
    title: "The health check's last answer, from",
    subject: ctx.config.health?.url ?? "",
    lines: lines.map((line) => ctx.redactor.redact(line)),
    ...(last ? {} : { note: "It never answered." }),
  };
}

/**
 * The evidence of every target that went red after its deployment was queued (each target when
 * the health check failed), gathered before anything is rolled back.
 */
async function gatherAll(ctx: TargetsContext, runs: readonly Deploying[], failure: Error): Promise<void> {
  const health = failure instanceof HealthCheckError ? [healthSection(ctx, failure)] : [];
  const queued = (run: Deploying) =>
    ctx.ledger.entries.some((e) => e.kind === "deployment" && e.targetId === run.ctx.ref.id);
  const red = runs.filter(
    (run) => queued(run) && (health.length > 0 || run.error !== undefined) && statusOf(run.ctx) !== "superseded",
  );
  await Promise.all(red.map((run, i) => gatherEvidence(run.ctx, i === 0 ? health : [])));
}

/**
 * Points, triggers and follows every target at once; green only when all are. Then the health
 * check, once. When anything failed, rolls back as asked and throws the failure.
 */
export async function deployTargets(ctx: TargetsContext, prepared: readonly Prepared[]): Promise<void> {
  const runs: Deploying[] = prepared.map((p) => ({ ...p }));
  await Promise.all(
    runs.map(async (run) => {
      try {
        await deployTarget(run);
      } catch (error) {
        run.error = error;
        const target = run.ctx.ref.id;
        ctx.ledger.record({ kind: "target-failed", target, error: ctx.redactor.redact(errorMessage(error)) });
      }
    }),
  );
  stopIfCancelled(ctx);
  let failure = failureOf(runs);
  if (!failure && ctx.config.wait && runs.every((run) => statusOf(run.ctx) === "done")) {
    try {
      await checkHealthUrl(ctx);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
  }
  if (!failure) return;
  if (ctx.config.wait && !(failure instanceof CancelledError)) await gatherAll(ctx, runs, failure);
  if (shouldRollBack(ctx, runs, failure)) await rollBackTargets(ctx, runs, failure);
  throw failure;
}
