import { timed } from "../record/context";
import type { TargetsContext } from "./context";
import { HealthCheckError, type HealthResult } from "../shared/errors";

/** A health answer in words: "200 in 34 ms". */
export function answerOf(result: HealthResult): string {
  return `${String(result.status)} in ${String(result.latencyMs)} ms`;
}

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
    ledger.record({ kind: "health", answer: answerOf(checked) });
  } catch (error) {
    if (error instanceof HealthCheckError) {
      ledger.record({ kind: "health", answer: error.last ? answerOf(error.last) : "no answer" });
    }
    throw error;
  }
}
