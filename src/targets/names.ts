import type { ServiceRef } from "../dokploy/types";
import { type RunContext, timed } from "../record/context";
import { ConfigError } from "../shared/errors";
import type { TargetsConfig } from "../config/slices";
import type { TargetsContext } from "./context";

/** The targets by id; and the client, when finding them took a request. */
export interface Resolved<C> {
  readonly refs: readonly ServiceRef[];
  readonly connected?: C;
}

/** Two inputs that name the same target would deploy it twice at once. */
function refuseDuplicates(refs: readonly ServiceRef[]): void {
  const seen = new Set<string>();
  for (const ref of refs) {
    const key = `${ref.kind}:${ref.id}`;
    if (seen.has(key)) throw new ConfigError(`${ref.kind}-id`, `names ${ref.kind} ${ref.id} twice (by id or by name)`);
    seen.add(key);
  }
}

/**
 * The targets by id. Those given by name are found with one read of project.all, before
 * anything is built: a wrong name is bad input (exit 2), with the closest names.
 */
export async function resolveTargets<C extends TargetsContext>(
  ctx: RunContext & { readonly config: Pick<TargetsConfig, "targets" | "names"> },
  connect: () => Promise<C>,
): Promise<Resolved<C>> {
  const { config, logger } = ctx;
  const named = config.targets.flatMap((t) => (t.name !== undefined ? [{ kind: t.kind, name: t.name }] : []));
  if (named.length === 0 || !config.names) {
    const refs = config.targets.flatMap((t) => (t.id !== undefined ? [{ kind: t.kind, id: t.id }] : []));
    refuseDuplicates(refs);
    return { refs };
  }
  const place = config.names;
  const connected = await connect();
  const found = await timed(ctx, "Find the targets by name", async () => {
    const resolved = connected.remote.resolveNames(await connected.dokploy.projects(), place, named);
    resolved.forEach((ref, i) => {
      logger.info(`${ref.kind} "${named[i]?.name ?? ""}" in ${place.project}/${place.environment} is ${ref.id}`);
    });
    return resolved;
  });
  const byName = [...found];
  const refs: ServiceRef[] = [];
  for (const t of config.targets) {
    const ref = t.id !== undefined ? { kind: t.kind, id: t.id } : byName.shift();
    if (ref) refs.push(ref);
  }
  refuseDuplicates(refs);
  return { refs, connected };
}
