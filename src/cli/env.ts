import { INPUTS, type InputName, type RawInputs } from "../core/config";

/** The environment variable of an input: dokploy-url -> DOKPLOY_URL. */
export function envName(input: string): string {
  return input.toUpperCase().replace(/-/g, "_");
}

/** Reads every input from its UPPER_SNAKE variable; `defaults` fill the ones not set. */
export function inputsFromEnv(env: Readonly<Record<string, string | undefined>>, defaults: RawInputs = {}): RawInputs {
  const raw: RawInputs = {};
  for (const input of INPUTS) {
    const name: InputName = input.name;
    const value = env[envName(name)];
    raw[name] = value !== undefined && value !== "" ? value : defaults[name];
  }
  return raw;
}

/**
 * A value on one line of a dotenv file (GitLab's dotenv report): that format has no quoting
 * or escapes, so line breaks and other control characters are written as visible \xNN, and
 * no value can add a line of its own.
 */
export function dotenvValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** --help: every variable, with its default and meaning. */
export function helpText(): string {
  const lines = [
    "dokploy-deploy: build and push an image tagged with the commit, point a Dokploy application at it,",
    "redeploy it and follow the deployment until it is done. Configured by environment variables:",
    "",
  ];
  for (const input of INPUTS as readonly {
    name: string;
    description: string;
    required?: boolean;
    default?: string;
    defaultText?: string;
    secret?: boolean;
  }[]) {
    const fallback = input.required
      ? "required"
      : (input.defaultText ?? (input.default ? `default ${input.default}` : "optional"));
    lines.push(`  ${envName(input.name).padEnd(22)} ${fallback}${input.secret ? ", secret" : ""}`);
    lines.push(`  ${"".padEnd(22)} ${input.description}`);
  }
  lines.push(
    "",
    "  OUTPUT_FILE            optional: write the outputs there as KEY=value lines (a GitLab dotenv report)",
    "  DEBUG                  true: print debug lines (HTTP calls and their timings)",
    "",
    "On GitLab CI, IMAGE, REGISTRY_USERNAME and REGISTRY_PASSWORD default to the project's own registry",
    "($CI_REGISTRY_IMAGE, $CI_REGISTRY_USER, $CI_REGISTRY_PASSWORD) and the pull credentials to the",
    "gitlab-deploy-token ($CI_DEPLOY_USER, $CI_DEPLOY_PASSWORD) when the project has one.",
    "",
    "Exit codes: 0 deployed, 1 a step or the deployment failed, 2 bad input (nothing was built or sent).",
  );
  return lines.join("\n");
}
