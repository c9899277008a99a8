import { besideWork, mapGate } from "./beside";
import type { Config } from "./config";
import { type RunContext, cancelled, createContext, stopIfCancelled, timed } from "./context";
import { CancelledError, ConfigError } from "./errors";
import type { Ports } from "./ports";
import { type Outcome, mirrorFirstTarget } from "./result";
import { buildAndPush } from "./stages/build";
import { buildWithoutDeploying } from "./stages/build-only";
import { type Prepared, checkTargets, connectToDokploy, runningImages } from "./stages/dokploy";
import { checkInputs } from "./stages/inputs";
import { type Resolved, resolveTargets } from "./stages/names";
import { printPlan } from "./stages/plan";
import { checkPull } from "./stages/pull-check";
import { upsertRegistryEntry } from "./stages/registry-entry";
import { deployTargets } from "./stages/targets";

export type { Ports } from "./ports";
export { type Outcome, type Result, type Timing, outputsOf } from "./result";
export { dockerProviderOf, previousProvider } from "./stages/provider";
export { describePlan } from "./stages/plan";

/**
 * One deploy, as the stages a user sees in the log. Targets given by name are found first; then
 * the build runs and the Dokploy check beside it; nothing is pushed before Dokploy answered that
 * the key and every target are good.
 */
async function deploy(ctx: RunContext): Promise<void> {
  const { buildx } = await checkInputs(ctx);
  if (ctx.config.dryRun) return printPlan(ctx, await buildx);
  if (!ctx.config.deploy) return buildWithoutDeploying(ctx, buildx);
  const resolved = await resolveTargets(ctx);
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

async function checkDokployBeside(ctx: RunContext, resolved: Resolved) {
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
