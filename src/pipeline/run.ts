import type { Config } from "../config/config";
import { resultOf } from "../record/result-of";
import type { Outcome, Result } from "../record/result";
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
 * The result, masked. What the run made itself holds no secret and is never masked: the image
 * and tag (both in docker's argv), the digest and image id (hex from the registry and docker),
 * the timings. buildx's metadata and the plan come from the inputs: masked for the inputs'
 * secrets only, not for a password read from Dokploy (which may be a common word, e.g. "acme",
 * also found in the image's name). The rest can hold text from Dokploy: masked for every secret.
 */
function maskedResult(ctx: RunContext, result: Result): Result {
  const { image, tag, digest, imageId, timings, metadata, plan } = result;
  return {
    ...ctx.redactor.redactAll(result),
    ...{ image, tag, digest, imageId, timings },
    ...ctx.redactor.redactAll({ metadata, plan }, "inputs"),
  };
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
    result: maskedResult(ctx, resultOf(ctx.ledger, ctx.image, config.tag)),
    error,
    changes: ctx.redactor.redactAll(ctx.ledger.dokployChanges()),
  };
}
