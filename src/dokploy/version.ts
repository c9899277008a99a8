/*
 * The oldest Dokploy release this step supports, and why. Dokploy before v0.28.7 creates a new
 * application's swarm service without the pull credentials (its createService call drops the
 * auth), so the first deploy of a private image fails in swarm with "No such image"; v0.28.7
 * fixed that but answers every API key with 401 (its API-key schema lagged a library update),
 * which v0.28.8 fixed. The e2e suite runs against v0.28.8 and the newest release.
 */

/** The oldest release the step deploys to. */
export const OLDEST_SUPPORTED = "v0.28.8";

/** Why nothing older: what a user of an older server would see. */
export const WHY_NOT_OLDER =
  'releases before v0.28.7 create a new service without its pull credentials (the first deploy of a private image fails with swarm\'s "No such image"), and v0.28.7 rejects every API key';

type Parts = readonly [number, number, number];

/** "v0.28.8" or "0.28.8-canary" -> [0, 28, 8]; undefined when the text is not a version. */
export function versionParts(version: string): Parts | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** Whether `version` is older than `oldest`; undefined when it is not a version. */
export function isOlderThan(version: string, oldest: string = OLDEST_SUPPORTED): boolean | undefined {
  const parts = versionParts(version);
  const floor = versionParts(oldest);
  if (!parts || !floor) return undefined;
  for (const [i, part] of parts.entries()) {
    const other = floor[i] ?? 0;
    if (part !== other) return part < other;
  }
  return false;
}

/** The release that brought compose.saveEnvironment; before it, compose.update writes the env. */
const SAVE_ENVIRONMENT_SINCE = "v0.29.0";

/** The procedure that writes a compose's env on this server (the newest's when its version is not known). */
export function composeEnvProcedure(serverVersion: string | undefined): string {
  if (serverVersion === undefined) return "compose.saveEnvironment";
  return isOlderThan(serverVersion, SAVE_ENVIRONMENT_SINCE) === true ? "compose.update" : "compose.saveEnvironment";
}

/** The release that brought deployment.readLogs; before it, a deployment's log is only on its socket. */
export const READ_LOGS_SINCE = "v0.29.6";

/** Whether this server reads a deployment's log through the API (assumed when its version is not known). */
export function readsLogs(serverVersion: string | undefined): boolean {
  return serverVersion === undefined || isOlderThan(serverVersion, READ_LOGS_SINCE) !== true;
}
