import { writeFile } from "node:fs/promises";
import packageJson from "../../package.json";
import { type Config, OUTPUTS, parseConfig, secretsOf } from "../config/config";
import { forkPreviewSkip } from "../config/fork";
import { buildSecretEnvNames } from "../build/build-secrets";
import { cacheEnvNames } from "../build/cache";
import { ConfigError, DeployError, errorMessage } from "../shared/errors";
import { type Logger, printableLines } from "../shared/log";
import { outputsOf, run } from "../pipeline/run";
import { reportModel } from "../report/model";
import { plainLine } from "../report/plain";
import { nodeExec } from "../platform/exec";
import { listenForCancel } from "../platform/cancel";
import { nodePorts } from "../platform/ports";
import { parseArgs } from "./args";
import { type CiProvider, ciDebug, ciTempRoot, detectCi } from "./context";
import { cliVariablesFromEnv, dotenvValue, envName, helpText, inputsFromEnv } from "./env";
import { gitlabLogger, plainLogger } from "./log";

// Never print GitHub workflow commands here: on GitLab and Bitbucket an ::add-mask:: line
// would show the secret in clear.
const write = (line: string) => {
  process.stdout.write(`${line}\n`);
};

/**
 * Names what users set: the variable, a plugin's setting as its pipeline writes it (image,
 * dokploy_url), or with a prefix the component's input (kept as is).
 */
function inVariables(message: string, envPrefix: string | undefined, ci: CiProvider): string {
  if (envPrefix) return message;
  const named = ci.plugin ? (name: string) => envName(name).toLowerCase() : envName;
  return message.replace(/Input "([a-z-]+)"/g, (_m, name: string) => named(name));
}

/**
 * The run's config, or the exit code of a run that ends before anything is done: bad input (said
 * as an error), or a preview of a fork's merge request without dokploy-api-key (said, exit 0).
 */
async function configOf(
  env: NodeJS.ProcessEnv,
  ci: CiProvider,
  envPrefix: string,
  logger: Logger,
): Promise<Config | number> {
  try {
    const raw = inputsFromEnv(env, ci.defaults(env), envPrefix);
    const context = await ci.context(env, nodeExec);
    const skip = ci.name === "gitlab" ? forkPreviewSkip(raw, context, "gitlab") : undefined;
    if (skip) {
      logger.info(skip);
      return 0;
    }
    return parseConfig(raw, context);
  } catch (error) {
    logger.error(inVariables(errorMessage(error), envPrefix, ci));
    return error instanceof DeployError ? error.exitCode : 1;
  }
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseArgs(argv);
  if (args.action !== "deploy") {
    write(args.action === "help" ? helpText() : `dokploy-deploy ${packageJson.version}`);
    return 0;
  }
  const ci = detectCi(env);
  const variables = cliVariablesFromEnv(env);
  const debug = variables.DEBUG === "true" || ciDebug(env);
  const logger = ci.name === "gitlab" ? gitlabLogger(write, debug) : plainLogger(write, debug);
  const config = await configOf(env, ci, args.envPrefix, logger);
  if (typeof config === "number") return config;
  for (const notice of config.notices) logger.info(notice);
  // Pulling with the job token only happens when neither a deploy token nor PULL_* is there.
  const pullFromJobToken =
    ci.name === "gitlab" &&
    !env[`${args.envPrefix}PULL_PASSWORD`] &&
    !env.CI_DEPLOY_PASSWORD &&
    !!env.CI_REGISTRY_PASSWORD;
  if (pullFromJobToken && config.pull?.password === env.CI_REGISTRY_PASSWORD) {
    logger.warn(
      "Dokploy will pull with this job's CI_REGISTRY_PASSWORD, which expires when the job ends. Create a deploy token named gitlab-deploy-token (read_registry), or set PULL_USERNAME/PULL_PASSWORD.",
    );
  }
  const ports = nodePorts(logger, env, {
    tempRoot: ciTempRoot(env),
    secrets: secretsOf(config),
    keepEnv: [...buildSecretEnvNames(config), ...cacheEnvNames(config)],
  });
  const cancel = listenForCancel(write);
  const outcome = await run(config, ports, cancel.signal).finally(() => ports.close());
  const outputs = outputsOf(outcome.result);
  for (const output of OUTPUTS) logger.info(`${output.name}=${dotenvValue(outputs[output.name])}`);
  const outputFile = args.outputFile ?? variables.OUTPUT_FILE;
  if (outputFile) {
    // Not the build metadata: with provenance it runs to kilobytes, and GitLab drops a whole
    // dotenv report over 5 KB.
    const lines = OUTPUTS.filter((o) => o.name !== "metadata").map(
      (o) => `DOKPLOY_${envName(o.name)}=${dotenvValue(outputs[o.name])}`,
    );
    await writeFile(outputFile, `${lines.join("\n")}\n`);
  }
  cancel.dispose();
  if (outcome.error) {
    // Bad input found during the run (a target's name) is told like bad input up front.
    const { error } = outcome;
    logger.error(error instanceof ConfigError ? inVariables(error.message, args.envPrefix, ci) : error.message);
    return error instanceof DeployError ? error.exitCode : 1;
  }
  logger.info(plainLine(reportModel(config, outcome)));
  return 0;
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    for (const line of printableLines(`✖ ${errorMessage(error)}`)) write(line);
    process.exitCode = error instanceof DeployError ? error.exitCode : 1;
  },
);
