import { timed } from "../record/context";
import type { TargetsContext } from "./context";
import { HealthCheckError } from "../shared/errors";

/** GETs the health URL until it answers as expected, when one is given. */
export async function checkHealthUrl(ctx: TargetsContext): Promise<void> {
  const { config, ledger } = ctx;
  const health = config.health;
  if (!health) return;
  try {
    const checked = await timed(ctx, "Health check", () =>
      ctx.remote.checkHealth(health, {
        logger: ctx.logger,
        clock: ctx.ports.clock,
        sleep: ctx.ports.sleep,
        dispatcher: ctx.dispatcher,
      }),
    );
    ledger.record({ kind: "health", answer: `${String(checked.status)} in ${String(checked.latencyMs)} ms` });
  } catch (error) {
    if (error instanceof HealthCheckError) {
      const answer = error.last ? `${String(error.last.status)} in ${String(error.last.latencyMs)} ms` : "no answer";
      ledger.record({ kind: "health", answer });
    }
    throw error;
  }
}
