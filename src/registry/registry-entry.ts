import { timed } from "../record/context";
import type { RegistryConnected } from "./context";
import { applyRegistryPlan, describeRegistryPlan, planRegistryUpsert } from "../dokploy/registry";
import { dokployRegistryUrl } from "../shared/image";
import { withRetry } from "../shared/retry";

/** Creates or updates the registry entry in Dokploy when it differs; a re-run writes nothing. */
export async function upsertRegistryEntry(ctx: RegistryConnected): Promise<void> {
  const { config, logger, ledger } = ctx;
  const pull = config.pull;
  if (!config.dokployRegistry || !pull) return;
  await timed(ctx, "Registry entry in Dokploy", () =>
    // The whole upsert is retried, planned anew from registry.all each time, so a create
    // that reached Dokploy before its answer was lost is found and not made twice.
    withRetry("Registry entry in Dokploy", ctx.policy, ctx.retryPorts, async () => {
      const plan = planRegistryUpsert(await ctx.dokploy.registryAll(), {
        fields: {
          registryName: config.dokployRegistryName,
          username: pull.username,
          password: pull.password,
          registryUrl: dokployRegistryUrl(config.image.registry),
          imagePrefix: config.imagePrefix,
          serverId: config.serverId,
        },
        nameGiven: config.dokployRegistryNameGiven,
      });
      logger.info(describeRegistryPlan(plan));
      const registryId = await applyRegistryPlan(ctx.dokploy, plan);
      ledger.record({ kind: "registry-id", registryId });
      if (plan.action !== "none") {
        ledger.record({
          kind: "registry-entry",
          action: plan.action === "create" ? "created" : "updated",
          registryId,
          name: plan.action === "create" ? plan.fields.registryName : config.dokployRegistryName,
        });
      }
    }),
  );
}
