import type { Config } from "../config/config";
import { resultOf } from "../record/result-of";
import type { Outcome } from "../record/result";
import { CancelledError, ConfigError } from "../shared/errors";
import { type RunContext, cancelled, createContext } from "./context";
import type { Ports } from "./ports";
import { runStages } from "./stages";

export type { Ports } from "./ports";
export { type Outcome, type Result, type Timing, outputsOf } from "../record/result";
export { dockerProviderOf, previousProvider } from "../targets/provider";
export { describePlan } from "./stages";

/** The error that ended the run, masked, with what the run had changed when that matters. */
function failureOf(ctx: RunContext, error: unknown): Error {
  if (ctx.signal.aborted && !(error instanceof CancelledError)) return failureOf(ctx, cancelled(ctx));
  const failure = error instanceof Error ? error : new Error(String(error));
  // Bad input stops the run before anything is touched; every other failure says what was.
  if (!(failure instanceof ConfigError) && !(failure instanceof CancelledError)) {
    failure.message = `${failure.message}\n${ctx.ledger.report()}`;
  }
  failure.message = ctx.redactor.redact(failure.message);
  return failure;
}

/**
 * Runs the whole deploy: the stages of pipeline/stages.ts. Never throws: the error that ended
 * the run is in the outcome, and the result is what the ledger recorded. When `signal` aborts
 * (its reason names the signal), the docker commands are stopped, the temporary files removed,
 * and the outcome says what the run had changed.
 */
export async function run(config: Config, ports: Ports, signal = new AbortController().signal): Promise<Outcome> {
  const ctx = createContext(config, ports, signal);
  let error: Error | undefined;
  try {
    await runStages(ctx);
  } catch (thrown) {
    error = failureOf(ctx, thrown);
  } finally {
    await ctx.ledger.cleanUp(ctx.logger);
  }
  return {
    result: ctx.redactor.redactAll(resultOf(ctx.ledger, ctx.image, config.tag)),
    error,
    changes: ctx.redactor.redactAll(ctx.ledger.dokployChanges()),
  };
}
