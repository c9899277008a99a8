import { besideWork, mapGate } from "../shared/beside";
import { type RunContext, stopIfCancelled, timed } from "./context";
import { buildAndPush } from "../build/build-and-push";
import { goOnline } from "./connect";
import { checkPull } from "../registry/pull-check";

/**
 * deploy: false, for pull requests: the build, the push and the pull check, exactly as a deploy
 * runs them, and not one request to Dokploy (no key or target needed).
 */
export async function buildWithoutDeploying(ctx: RunContext, buildx: Promise<boolean>): Promise<void> {
  const { config, logger, result } = ctx;
  const step = config.pushImage ? `Build and push ${result.image}` : `Build ${result.image}`;
  const online = await besideWork(
    (gate) =>
      config.build
        ? timed(ctx, step, () =>
            buildAndPush(
              ctx,
              mapGate(gate, (online) => ({ online, running: [] })),
              buildx,
            ),
          )
        : Promise.resolve(),
    () => goOnline(ctx),
    ctx.signal,
  );
  stopIfCancelled(ctx);
  if (config.pushImage) await checkPull(online);
  logger.info("deploy: false: nothing was sent to Dokploy.");
}
