import type { InputValue } from "../dokploy/types";

/*
 * What a preview takes from its template application, and the names it gets. Only the columns
 * listed here are copied: published ports (endpointSpecSwarm) would collide with production's,
 * domains are replaced by the preview's own, git, registry and Dokploy preview settings belong to
 * the template's source. A Dokploy column added later is not copied until it is listed here.
 */

/** Columns copied as the template has them, null included (Dokploy takes null for these). */
export const COPIED_NULLABLE = [
  "command",
  "healthCheckSwarm",
  "restartPolicySwarm",
  "placementSwarm",
  "updateConfigSwarm",
  "rollbackConfigSwarm",
  "modeSwarm",
  "labelsSwarm",
  "networkSwarm",
  "stopGracePeriodSwarm",
  "ulimitsSwarm",
] as const;

/** Columns copied only when set: application.update refuses null for them. */
export const COPIED_WHEN_SET = [
  "memoryReservation",
  "memoryLimit",
  "cpuReservation",
  "cpuLimit",
  "args",
  "replicas",
  "createEnvFile",
] as const;

export const COPIED_COLUMNS = [...COPIED_NULLABLE, ...COPIED_WHEN_SET] as const;
export type CopiedColumn = (typeof COPIED_COLUMNS)[number];

/** The template's settings as application.update takes them for the preview. */
export function copiedSettings(
  template: Readonly<Partial<Record<CopiedColumn, InputValue>>>,
): Record<string, InputValue> {
  const settings: Record<string, InputValue> = {};
  for (const column of COPIED_NULLABLE) {
    if (column in template) settings[column] = template[column] ?? null;
  }
  for (const column of COPIED_WHEN_SET) {
    const value = template[column];
    if (value !== null && value !== undefined) settings[column] = value;
  }
  return settings;
}

const KEY = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/;

/** The variable a dotenv line sets; undefined for comments and blank lines. */
function keyOf(line: string): string | undefined {
  return KEY.exec(line)?.[1];
}

/**
 * The template's variables with every whole-word occurrence of a renamed service (a template
 * database's appName) replaced by the preview's. App names end in a random suffix, so a whole
 * word of one is that service.
 */
export function rewriteEnv(env: string, renames: ReadonlyMap<string, string>): string {
  let text = env;
  for (const [from, to] of renames) {
    const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    text = text.replace(new RegExp(`(?<![A-Za-z0-9_.-])${escaped}(?![A-Za-z0-9_-])`, "g"), to);
  }
  return text;
}

/** The variables with preview-env's KEY=VALUE lines over them: a key set twice takes the override's line. */
export function withOverrides(env: string, overrides: readonly string[]): string {
  const keys = new Set(overrides.map(keyOf));
  const kept = env.split("\n").filter((line) => {
    const key = keyOf(line);
    return key === undefined || !keys.has(key);
  });
  while (kept.length > 0 && kept.at(-1)?.trim() === "") kept.pop();
  return [...kept, ...overrides].join("\n");
}

/** The names of the variables whose lines differ between two env texts, for the log (never their values). */
export function changedVariables(before: string, after: string): string[] {
  const lines = (text: string) =>
    new Map(text.split("\n").flatMap((line) => (keyOf(line) === undefined ? [] : [[keyOf(line) ?? "", line]])));
  const was = lines(before);
  const now = lines(after);
  const names = new Set([...was.keys(), ...now.keys()]);
  return [...names].filter((name) => was.get(name) !== now.get(name)).sort();
}

/** Dokploy's appName limit (APP_NAME_REGEX, 63 characters); it appends "-" and 6 characters of its own. */
const APP_NAME_MAX = 63;
const DOKPLOY_SUFFIX = 7;

/** The template's appName without the random "-xxxxxx" Dokploy appended to it. */
export function baseName(appName: string): string {
  return appName.replace(/-[a-z0-9]{6}$/, "");
}

/** The appName asked for the preview's copy: the template's base, then the preview's name; Dokploy appends its suffix. */
export function previewAppName(templateAppName: string, previewName: string): string {
  const room = APP_NAME_MAX - DOKPLOY_SUFFIX - previewName.length - 1;
  return `${baseName(templateAppName)
    .slice(0, room)
    .replace(/[-.]+$/, "")}-${previewName}`;
}

/** A named volume of the template, as the preview's copy mounts it: never the template's own volume. */
export function previewVolumeName(volumeName: string, previewName: string): string {
  const room = APP_NAME_MAX - previewName.length - 1;
  return `${volumeName.slice(0, room).replace(/[-.]+$/, "")}-${previewName}`;
}
