import { z } from "zod";
import type { Dokploy } from "./procedures";
import { check } from "./procedures";

/*
 * cluster.getNodes (query {serverId?}, since before v0.25): the swarm's nodes as Docker's
 * /nodes answers them, of the Dokploy host or of the server given. v0.30.2 wants the "docker"
 * read permission (v0.28.8: "server" read; v0.25: any key). Only what the platform check reads.
 */
const NodeSchema = z.object({
  ID: z.string().optional(),
  Description: z.object({
    Hostname: z.string().optional(),
    Platform: z.object({ Architecture: z.string().optional(), OS: z.string().optional() }),
  }),
  Spec: z.object({ Availability: z.string().optional() }).optional(),
  Status: z.object({ State: z.string().optional() }).optional(),
});
export type SwarmNode = z.infer<typeof NodeSchema>;

/** The swarm nodes of the Dokploy host, or of server `serverId`. */
export async function clusterNodes(dokploy: Dokploy, serverId?: string): Promise<SwarmNode[]> {
  const value = await dokploy.client.query("cluster.getNodes", serverId ? { serverId } : {});
  return check("cluster.getNodes", z.array(NodeSchema), value);
}
