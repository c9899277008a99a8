import type { Compose } from "../dokploy/compose";
import { readVariable, setVariables } from "./env-file";
import { maskEnvironment } from "./env-secrets";
import { composeEnvProcedure } from "../dokploy/version";
import { DeployError, DokployError } from "../shared/errors";
import { imageRef } from "../shared/image";
import { machineOf } from "../dokploy/types";
import { type Before, type Checked, type TargetContext, targetName, timedTarget } from "./target";

/** The values our variables get: the reference to deploy, and the tag. */
function ourValues(ctx: TargetContext): Record<string, string> {
  const { config, ledger } = ctx;
  const digest = ledger.digest(ctx.image);
  const ref = imageRef(config.image, config.tag);
  const image = config.pinDigest && digest ? `${ref}@${digest}` : ref;
  return { [config.imageVariable]: image, [config.tagVariable]: config.tag };
}

/** A compose file Dokploy holds (raw source) that uses neither variable would not run the new image. */
function refuseFileWithoutVariables(ctx: TargetContext, compose: Compose): void {
  const { config } = ctx;
  const file = compose.composeFile ?? "";
  if (compose.sourceType !== "raw" || file.trim() === "") return;
  const uses = (name: string) => new RegExp(`\\$\\{?${name}\\b`).test(file);
  if (uses(config.imageVariable) || uses(config.tagVariable)) return;
  throw new DeployError(
    `Compose "${compose.name}" (${compose.composeId}): its compose file uses neither \${${config.imageVariable}} nor \${${config.tagVariable}}, so a deployment would not run the new image. Write image: \${${config.imageVariable}} in it (or set image-variable / tag-variable to the names it uses).`,
  );
}

/**
 * The compose service exists; records and returns what our variables held before, which a
 * rollback puts back (only them: the other variables are read again at that moment and kept).
 */
export async function checkCompose(ctx: TargetContext): Promise<Checked> {
  const { config, logger, ref } = ctx;
  const compose = await ctx.remote.composeOne(ctx.dokploy, ref.id);
  // The containers may print their environment: mask its values, but for our variables (our image).
  maskEnvironment(ctx.redactor, compose, [config.imageVariable, config.tagVariable]);
  const url = ctx.remote.composeUrl(config.dokployUrl, compose);
  const server = compose.serverId ?? undefined;
  ctx.ledger.record({ kind: "target", targetKind: ref.kind, id: ref.id, name: compose.name, url, server });
  logger.info(
    `Compose "${compose.name}" (${ref.id}), type ${compose.composeType}, source ${compose.sourceType ?? "unknown"}: ${url}`,
  );
  refuseFileWithoutVariables(ctx, compose);
  const previous = Object.fromEntries(
    Object.keys(ourValues(ctx)).map((name) => [name, readVariable(compose.env, name)]),
  );
  const was = previous[config.imageVariable] ?? previous[config.tagVariable];
  const before: Before = {
    was,
    image: previous[config.imageVariable],
    restore: was === undefined ? undefined : { variables: previous },
  };
  ctx.ledger.record({ kind: "target", targetKind: ref.kind, id: ref.id, before });
  return { before, machine: machineOf(compose) };
}

/** Sets our variables in the compose's env as it is now, keeping every other line; returns what they held. */
export async function writeVariables(
  ctx: TargetContext,
  values: Readonly<Record<string, string | undefined>>,
): Promise<Record<string, string | undefined>> {
  // Read again right before writing: the env may have changed since the check, minutes ago.
  const compose = await ctx.remote.composeOne(ctx.dokploy, ctx.ref.id);
  const { env } = compose;
  // What was added since the check will be in the containers too.
  maskEnvironment(ctx.redactor, compose, Object.keys(values));
  const before = Object.fromEntries(Object.keys(values).map((name) => [name, readVariable(env, name)]));
  await ctx.remote.saveComposeEnv(ctx.dokploy, ctx.ref.id, setVariables(env, values));
  return before;
}

/** Points the compose at the image: our variables set in its environment. Returns the image reference. */
export async function pointCompose(ctx: TargetContext): Promise<string> {
  const { ledger, logger, ref } = ctx;
  const values = ourValues(ctx);
  const to = Object.entries(values);
  await timedTarget(ctx, "Set the image in the compose's environment", async () => {
    let before: Record<string, string | undefined> = {};
    try {
      before = await writeVariables(ctx, values);
    } catch (error) {
      if (
        error instanceof DokployError &&
        error.ambiguous &&
        error.procedure === composeEnvProcedure(ctx.dokploy.serverVersion)
      ) {
        const variables = to.map(([name, value]) => ({ name, to: value }));
        ledger.record({ kind: "compose-env", compose: targetName(ctx), target: ref.id, variables, uncertain: true });
      }
      throw error;
    }
    const variables = to.map(([name, value]) => ({ name, from: before[name], to: value }));
    ledger.record({ kind: "compose-env", compose: targetName(ctx), target: ref.id, variables });
    logger.info(`Compose ${ref.id} now has ${to.map(([n, v]) => `${n}=${v}`).join(", ")} in its environment`);
  });
  return values[ctx.config.imageVariable] ?? "";
}
