import { DURATION_UNITS, type InputName, type InputSpec, PORTABLE_INPUTS, type RawInputs } from "../config/config";
import { USAGE } from "./args";

/** The environment variable of an input: dokploy-url -> DOKPLOY_URL. */
export function envName(input: string): string {
  return input.toUpperCase().replace(/-/g, "_");
}

const INPUT_NAMES = PORTABLE_INPUTS.map((input) => input.name)
  .filter((name) => name.includes("-"))
  .sort((a, b) => b.length - a.length);
const INPUT_MENTION = new RegExp(`(?<![\\w-])(${INPUT_NAMES.join("|")})(?![\\w-])`, "g");

/** Text about inputs, with every input it names as its variable: registry-username -> REGISTRY_USERNAME. */
export function inVariableNames(text: string): string {
  return text.replace(INPUT_MENTION, (name) => envName(name));
}

/** An input's description for the variables' world: names as variables, units where taken. */
export function envDescription(input: InputSpec): string {
  const units = input.type === "duration" ? DURATION_UNITS : "";
  return inVariableNames(input.description.replace(/\.$/, `${units}.`));
}

/** An input's default for the variables' world, e.g. `600`, `registry host`, REGISTRY_USERNAME. */
export function envDefault(input: InputSpec): string {
  if (input.required) return "required";
  if (input.defaultText) return inVariableNames(input.defaultText);
  return input.default ?? "";
}

/** Woodpecker and Drone pass a plugin's `settings:` so: image -> PLUGIN_IMAGE. */
export const PLUGIN_PREFIX = "PLUGIN_";

/** The variables the CLI reads besides the inputs: the same in every CI, and in the pipe's table. */
export const CLI_VARIABLES = [
  {
    name: "OUTPUT_FILE",
    placeholder: "<string>",
    description:
      "Write the outputs to this file as DOKPLOY_<NAME>=value lines (a dotenv file, as GitLab's dotenv report reads it; the metadata output is left out), for later steps to read.",
  },
  {
    name: "DEBUG",
    placeholder: "<boolean>",
    default: "false",
    description: "true: turn on extra debug information (HTTP calls and their timings).",
  },
] as const;

export type CliVariable = (typeof CLI_VARIABLES)[number]["name"];

type Env = Readonly<Record<string, string | undefined>>;

function given(value: string | undefined): string | undefined {
  return value !== undefined && value !== "" ? value : undefined;
}

/**
 * A setting's value: PLUGIN_<NAME> (a Woodpecker or Drone plugin's setting) when given, else
 * <NAME>; with a prefix <prefix><NAME> only.
 */
export function settingOf(env: Env, name: string, prefix = ""): string | undefined {
  if (prefix) return given(env[`${prefix}${name}`]);
  return given(env[`${PLUGIN_PREFIX}${name}`]) ?? given(env[name]);
}

/**
 * Reads every input from its UPPER_SNAKE variable (PLUGIN_NAME first, see settingOf), or
 * `<prefix>NAME` when a prefix is given (then nothing else); `defaults` fill the ones not set.
 */
export function inputsFromEnv(env: Env, defaults: RawInputs = {}, prefix = ""): RawInputs {
  const raw: RawInputs = {};
  for (const input of PORTABLE_INPUTS) {
    const name = input.name as InputName;
    raw[name] = settingOf(env, envName(name), prefix) ?? defaults[name];
  }
  return raw;
}

/** Each variable the CLI reads besides the inputs (PLUGIN_NAME first, as an input). */
export function cliVariablesFromEnv(env: Env): Partial<Record<CliVariable, string>> {
  const values: Partial<Record<CliVariable, string>> = {};
  for (const variable of CLI_VARIABLES) values[variable.name] = settingOf(env, variable.name);
  return values;
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

/** --help: the usage, then every variable with its default and meaning. */
export function helpText(): string {
  const lines = [
    USAGE,
    "",
    "Build and push an image tagged with the commit, point a Dokploy application at it, redeploy it",
    "and follow the deployment until it is done. Configured by environment variables:",
    "",
  ];
  for (const input of PORTABLE_INPUTS) {
    const fallback = envDefault(input);
    const shown = input.required ? "required" : fallback === "" ? "optional" : `default: ${fallback}`;
    lines.push(`  ${envName(input.name).padEnd(22)} ${shown}${input.secret ? ", secret" : ""}`);
    lines.push(`  ${"".padEnd(22)} ${envDescription(input)}`);
  }
  lines.push("");
  for (const variable of CLI_VARIABLES) {
    const shown = "default" in variable ? `default: ${variable.default}` : "optional";
    lines.push(`  ${variable.name.padEnd(22)} ${shown}`, `  ${"".padEnd(22)} ${variable.description}`);
  }
  lines.push(
    "",
    "As a Woodpecker or Drone plugin, each is read from its setting first (image: PLUGIN_IMAGE), then the",
    "variable; with --env-prefix the inputs come from the prefixed variables only.",
    "",
    "Options:",
    "  --env-prefix PREFIX    read the inputs above from PREFIX<NAME> only (e.g. DOKPLOY_DEPLOY_INPUT_IMAGE),",
    "                         as the GitLab component passes them; errors then name the inputs (image)",
    "  --output-file PATH     as OUTPUT_FILE",
    "  -h, --help             this text",
    "  -V, --version          the version",
    "",
    "On GitLab CI, IMAGE, REGISTRY_USERNAME and REGISTRY_PASSWORD default to the project's own registry",
    "($CI_REGISTRY_IMAGE, $CI_REGISTRY_USER, $CI_REGISTRY_PASSWORD) and the pull credentials to the",
    "gitlab-deploy-token ($CI_DEPLOY_USER, $CI_DEPLOY_PASSWORD) when the project has one.",
    "",
    "Exit codes: 0 deployed, 1 a step or the deployment failed, 2 bad input (nothing was built or sent).",
  );
  return lines.join("\n");
}
