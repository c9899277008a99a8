import { besideWork } from "./beside";
import type { Config } from "./config";
import { type Connected, type RunContext, cancelled, createContext, stopIfCancelled, timed } from "./context";
import { CancelledError, ConfigError } from "./errors";
import type { Ports } from "./ports";
import type { Outcome } from "./result";
import { buildAndPush } from "./stages/build";
import { buildWithoutDeploying } from "./stages/build-only";
import { type Before, checkDokploy, connectToDokploy } from "./stages/dokploy";
import { followOurDeployment, triggerOurDeployment } from "./stages/deployment";
import { checkHealthUrl } from "./stages/health";
import { checkInputs } from "./stages/inputs";
import { printPlan } from "./stages/plan";
import { checkPull } from "./stages/pull-check";
import { pointApplication } from "./stages/point";
import { upsertRegistryEntry } from "./stages/registry-entry";
import { verifyWhatRuns } from "./stages/verify";
import { isDeploymentFailure, rollBackAfter } from "./stages/rollback";

export type { Ports } from "./ports";
export { type Outcome, type Result, type Timing, outputsOf } from "./result";
export { dockerProviderOf, previousProvider } from "./stages/provider";
export { describePlan } from "./stages/plan";

/**
 * One deploy, as the stages a user sees in the log. The build runs first and the Dokploy check
 * beside it; nothing is pushed before Dokploy answered that the key and application are good.
 */
async function deploy(ctx: RunContext): Promise<void> {
  const { buildx } = await checkInputs(ctx);
  if (ctx.config.dryRun) return printPlan(ctx, await buildx);
  if (!ctx.config.deploy) return buildWithoutDeploying(ctx, buildx);

  const { connected, before } = await besideWork(
    (gate) =>
      ctx.config.build
        ? timed(ctx, `Build and push ${ctx.result.image}`, () => buildAndPush(ctx, gate, buildx))
        : Promise.resolve(),
    () => checkDokployBeside(ctx),
    ctx.signal,
  );
  stopIfCancelled(ctx);
  await checkPull(connected);
  await upsertRegistryEntry(connected);
  const pointed = await pointApplication(connected, before);
  const triggered = await triggerOurDeployment(connected, pointed.known);
  if (!ctx.config.wait) return;
  try {
    await followOurDeployment(connected, pointed.known, triggered);
    await verifyWhatRuns(connected, pointed.image);
    if (ctx.result.deploymentStatus === "superseded") return;
    ctx.logger.info(`${ctx.result.image} is live.`);
    await checkHealthUrl(connected);
  } catch (error) {
    if (isDeploymentFailure(error)) await rollBackAfter(connected, before, error);
    throw error;
  }
}

async function checkDokployBeside(ctx: RunContext): Promise<{ connected: Connected; before: Before }> {
  const connected = await connectToDokploy(ctx);
  return { connected, before: await checkDokploy(connected) };
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
    await ctx.ledger.cleanUp(ctx.logger);
  }
  return { result: ctx.result, error, changes: ctx.ledger.dokployChanges() };
}
