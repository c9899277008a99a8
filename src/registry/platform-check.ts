import type { SwarmNode } from "../dokploy/cluster";
import type { Machine } from "../dokploy/types";
import { timed } from "../record/context";
import { PullCheckError, errorMessage } from "../shared/errors";
import type { RegistryPlatforms } from "./context";
import { distinctMachines } from "./server-pull";
import { type Platform, nodePlatform, platformName, unservedPlatforms } from "./platforms";

const STEP = "Check the image's platforms against the nodes";

function names(platforms: readonly Platform[]): string {
  return [...new Set(platforms.map(platformName))].join(", ");
}

/** The nodes swarm places new tasks on (active and ready); all of them when none is. */
function placeable(nodes: readonly SwarmNode[]): SwarmNode[] {
  const usable = nodes.filter(
    (n) => (n.Spec?.Availability ?? "active") === "active" && (n.Status?.State ?? "ready") === "ready",
  );
  return usable.length > 0 ? usable : [...nodes];
}

/** The platforms of the image; undefined (with a line) when the registry does not tell them. */
async function platformsOfImage(ctx: RegistryPlatforms): Promise<Platform[] | undefined> {
  const { config, ledger, logger, image } = ctx;
  // The digest the pull check read, so that the platforms are those of what Dokploy pulls.
  const reference = ledger.served("pull")?.digest ?? ledger.digest(image) ?? config.tag;
  try {
    const platforms = await ctx.remote.imagePlatforms(config.image, reference, config.pull ?? config.push, {
      dispatcher: ctx.dispatcher,
      timeoutMs: config.requestTimeoutSeconds * 1000,
    });
    if (platforms.length === 0) logger.info(`verify-platform: ${image} does not say its platform; not checked.`);
    return platforms.length > 0 ? platforms : undefined;
  } catch (error) {
    logger.info(`verify-platform: could not read the platforms of ${image}: ${errorMessage(error)}; not checked.`);
    return undefined;
  }
}

/** A machine's node platforms; undefined (with a line) when Dokploy does not list them. */
async function platformsOfNodes(ctx: RegistryPlatforms, machine: Machine): Promise<Platform[] | undefined> {
  try {
    const nodes = placeable(await ctx.remote.clusterNodes(ctx.dokploy, machine.serverId));
    return nodes.length > 0 ? nodes.map((n) => nodePlatform(n.Description.Platform)) : undefined;
  } catch (error) {
    ctx.logger.info(
      `verify-platform: Dokploy did not list the nodes of ${machine.name} (cluster.getNodes: ${errorMessage(error)}); not checked there.`,
    );
    return undefined;
  }
}

/** The refusal for one machine, or undefined after a line saying it runs the image. */
function judge(ctx: RegistryPlatforms, machine: Machine, image: readonly Platform[], nodes: readonly Platform[]) {
  const unserved = unservedPlatforms(image, nodes);
  const all = names(nodes);
  if (unserved.length === 0) {
    ctx.logger.info(`${ctx.image} (${names(image)}) runs on the nodes of ${machine.name} (${all})`);
    return undefined;
  }
  const served = nodes.filter((node) => !unserved.some((u) => platformName(u) === platformName(node)));
  if (served.length > 0) {
    ctx.logger.warn(
      `${ctx.image} has no platform for the ${names(unserved)} nodes of ${machine.name}: a task swarm places there will not start. Add ${names(unserved)} to platforms.`,
    );
    return undefined;
  }
  return { machine, nodes: unserved };
}

/**
 * The image has a platform that the swarm nodes of each target's machine run: an image built
 * for amd64 on a runner does not start on arm64 nodes ("exec format error"), and Dokploy would
 * only find out in the deployment. Refuses before anything changes in Dokploy; goes on with a
 * line where the image or the nodes cannot be read.
 */
export async function checkPlatforms(ctx: RegistryPlatforms, machines: readonly Machine[]): Promise<void> {
  const distinct = distinctMachines(machines);
  if (!ctx.config.verifyPlatform || distinct.length === 0) return;
  await timed(ctx, STEP, async () => {
    const [image, nodes] = await Promise.all([
      platformsOfImage(ctx),
      Promise.all(distinct.map((machine) => platformsOfNodes(ctx, machine))),
    ]);
    if (!image) return;
    const refusals = distinct.flatMap((machine, i) => {
      const of = nodes[i];
      const refusal = of ? judge(ctx, machine, image, of) : undefined;
      return refusal ? [refusal] : [];
    });
    if (refusals.length === 0) return;
    const lines = refusals.map(
      (r) => `${ctx.image} is built for ${names(image)}; the nodes of ${r.machine.name} are ${names(r.nodes)}.`,
    );
    const wanted = [...new Set(refusals.flatMap((r) => r.nodes.map(platformName)))];
    const both = [...new Set([...wanted, ...image.map(platformName)])];
    throw new PullCheckError(
      "platform",
      `${lines.join("\n")}\nBuild for them with platforms: ${wanted.join(",")} (or ${both.join(",")} for both; buildx builds another architecture through QEMU or a builder of that platform). Nothing was changed in Dokploy; set verify-platform: false for nodes that run other platforms through emulation.`,
    );
  });
}
