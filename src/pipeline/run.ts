import { besideWork, mapGate } from "../shared/beside";
import type { Config } from "../config/config";
import { type Connected, type RunContext, cancelled, createContext, stopIfCancelled, timed } from "./context";
import { CancelledError, ConfigError } from "../shared/errors";
import type { Ports } from "./ports";
import { type Outcome, mirrorFirstTarget } from "../record/result";
import { buildAndPush } from "../build/build-and-push";
import { buildWithoutDeploying } from "./build-only";
import { connectToDokploy } from "./connect";
import { type Prepared, checkTargets, runningImages } from "../targets/check";
import { checkInputs } from "./inputs";
import { type Resolved, resolveTargets } from "../targets/names";
import { printPlan } from "./plan";
import { checkPull } from "../registry/pull-check";
import { upsertRegistryEntry } from "../registry/registry-entry";
import { deployTargets } from "../targets/deploy-targets";

export type { Ports } from "./ports";
export { type Outcome, type Result, type Timing, outputsOf } from "../record/result";
export { dockerProviderOf, previousProvider } from "../targets/provider";
export { describePlan } from "./plan";

/**
 * One deploy, as the stages a user sees in the log. Targets given by name are found first; then
 * the build runs and the Dokploy check beside it; nothing is pushed before Dokploy answered that
 * the key and every target are good.
 */
async function deploy(ctx: RunContext): Promise<void> {
  const { buildx } = await checkInputs(ctx);
  if (ctx.config.dryRun) return printPlan(ctx, await buildx);
  if (!ctx.config.deploy) return buildWithoutDeploying(ctx, buildx);
  const resolved = await resolveTargets(ctx, () => connectToDokploy(ctx));
  const { connected, prepared } = await besideWork(
    (gate) =>
      ctx.config.build
        ? timed(ctx, `Build and push ${ctx.result.image}`, () =>
            buildAndPush(
              ctx,
              mapGate(gate, ({ connected: online, prepared: targets }) => ({
                online,
                running: runningImages(targets),
              })),
              buildx,
            ),
          )
        : Promise.resolve(),
    () => checkDokployBeside(ctx, resolved),
    ctx.signal,
  );
  stopIfCancelled(ctx);
  await checkPull(connected);
  await upsertRegistryEntry(connected);
  await deployTargets(connected, prepared);
}

async function checkDokployBeside(ctx: RunContext, resolved: Resolved<Connected>) {
  const connected = resolved.connected ?? (await connectToDokploy(ctx));
  const prepared: Prepared[] = await checkTargets(connected, resolved.refs);
  return { connected, prepared };
}

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
 * Runs the whole deploy. Never throws: the error that ended the run is in the outcome. When
 * `signal` aborts (its reason names the signal), the docker commands are stopped, the
 * temporary files removed, and the outcome says what the run had changed.
 */
export async function run(config: Config, ports: Ports, signal = new AbortController().signal): Promise<Outcome> {
  const ctx = createContext(config, ports, signal);
  let error: Error | undefined;
  try {
    await deploy(ctx);
  } catch (thrown) {
    error = failureOf(ctx, thrown);
  } finally {
    mirrorFirstTarget(ctx.result);
    await ctx.ledger.cleanUp(ctx.logger);
  }
  return {
    result: ctx.redactor.redactAll(ctx.result),
    error,
    changes: ctx.redactor.redactAll(ctx.ledger.dokployChanges()),
  };
}
