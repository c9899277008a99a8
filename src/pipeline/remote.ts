/*
 * Everything that speaks HTTP (and so loads undici), imported once the first docker command
 * is under way: the build does not wait for the HTTP client to load.
 */
export { DokployClient } from "../dokploy/client";
// Dokploy's procedures check its answers with zod, which loads here too, not at start-up.
export { Dokploy, applicationUrl } from "../dokploy/procedures";
export { composeContainers, composeOne, composeUrl, saveComposeEnv, stackTasks } from "../dokploy/compose";
export { resolveNames } from "../dokploy/projects";
export { clusterNodes } from "../dokploy/cluster";
/** The live log: its WebSocket loads undici whole, so it loads when a deployment is followed. */
export const liveLog = () => import("../dokploy/live-log").then((m) => m.streamDeploymentLog);
/** A container's output, read on a failure through the same kind of socket: loads then. */
export const containerLogs = () => import("../dokploy/container-logs").then((m) => m.readContainerLogs);
export { checkPushLogin, resolveImage } from "../registry/check";
export { tagManifest } from "../registry/tag";
export { imagePlatforms } from "../registry/image-platforms";
export { checkHealth } from "../targets/health-check";
