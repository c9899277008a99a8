import { z } from "zod";
import { type Dokploy, check } from "./procedures";
import { readsLogs } from "./version";

/**
 * The last `lines` lines of a deployment's log file, as Dokploy reads it (`tail -n` on the
 * machine that wrote it); undefined on a server without deployment.readLogs.
 */
export async function readDeploymentLog(
  dokploy: Dokploy,
  deploymentId: string,
  lines: number,
  withinMs?: number,
): Promise<string | undefined> {
  if (!readsLogs(dokploy.serverVersion)) return undefined;
  const value = await dokploy.client.query("deployment.readLogs", { deploymentId, tail: lines }, { withinMs });
  return check("deployment.readLogs", z.string(), value);
}
