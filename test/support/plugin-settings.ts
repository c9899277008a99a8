/**
 * A Woodpecker or Drone plugin step's `settings:` as those CIs hand them to the plugin's
 * container: each as PLUGIN_<NAME> (upper case, - and . as _), scalars as strings, a list of
 * scalars joined with commas, `from_secret` replaced by the secret, anything else as JSON.
 * (Woodpecker: pipeline/frontend/yaml/compiler/settings; Drone: docs.drone.io/plugins/overview.)
 */
export function pluginEnv(
  settings: Readonly<Record<string, unknown>>,
  secrets: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value === null || value === undefined) continue;
    env[`PLUGIN_${key.replace(/[.-]/g, "_").toUpperCase()}`] = settingValue(value, secrets);
  }
  return env;
}

function settingValue(value: unknown, secrets: Readonly<Record<string, string>>): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.every((v) => ["string", "number", "boolean"].includes(typeof v))) {
    return value.map(String).join(",");
  }
  if (typeof value === "object" && value !== null && "from_secret" in value) {
    const name = String((value as { from_secret: unknown }).from_secret);
    const secret = secrets[name];
    if (secret === undefined) throw new Error(`no secret ${name}`);
    return secret;
  }
  return JSON.stringify(value);
}

const SHA = "3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c1ab0c3f2c";

/** What Woodpecker sets in a plugin's container on a push to main (woodpecker-ci.org/docs/usage/environment). */
export function woodpeckerEnv(sha = SHA): Record<string, string> {
  return {
    CI: "woodpecker",
    CI_COMMIT_SHA: sha,
    CI_COMMIT_REF: "refs/heads/main",
    CI_COMMIT_BRANCH: "main",
    CI_COMMIT_MESSAGE: "Add the pricing page",
    CI_REPO: "acme/web",
    CI_REPO_OWNER: "acme",
    CI_REPO_NAME: "web",
    CI_REPO_URL: "https://codeberg.org/acme/web",
    CI_PIPELINE_EVENT: "push",
    CI_PIPELINE_NUMBER: "8",
    CI_PIPELINE_URL: "https://ci.example.com/repos/7/pipeline/8",
    CI_STEP_URL: "https://ci.example.com/repos/7/pipeline/8/2",
    CI_WORKSPACE: "/woodpecker/src/codeberg.org/acme/web",
    CI_SYSTEM_NAME: "woodpecker",
  };
}

/** What Drone sets in a plugin's container on a push to main (docs.drone.io/pipeline/environment/reference). */
export function droneEnv(sha = SHA): Record<string, string> {
  return {
    CI: "true",
    DRONE: "true",
    DRONE_COMMIT: sha,
    DRONE_COMMIT_SHA: sha,
    DRONE_COMMIT_REF: "refs/heads/main",
    DRONE_COMMIT_BRANCH: "main",
    DRONE_BRANCH: "main",
    DRONE_COMMIT_MESSAGE: "Add the pricing page",
    DRONE_REPO: "acme/web",
    DRONE_REPO_OWNER: "acme",
    DRONE_REPO_NAME: "web",
    DRONE_REPO_LINK: "https://github.com/acme/web",
    DRONE_BUILD_EVENT: "push",
    DRONE_BUILD_NUMBER: "42",
    DRONE_BUILD_LINK: "https://drone.example.com/acme/web/42",
  };
}
