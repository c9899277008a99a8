import { writeFile } from "node:fs/promises";
import { type Config, OUTPUTS, describeTarget, parseConfig } from "../core/config";
import { ConfigError, DeployError, errorMessage } from "../core/errors";
import { type Outcome, outputsOf, run } from "../core/run";
import { nodeExec } from "../platform/exec";
import { listenForCancel } from "../platform/cancel";
import { nodePorts } from "../platform/ports";
import { detectCi } from "./context";
import { envName, helpText, inputsFromEnv } from "./env";
import { gitlabLogger, plainLogger } from "./log";

// Never print GitHub workflow commands here: on GitLab and Bitbucket an ::add-mask:: line
// would show the secret in clear.
const write = (line: string) => {
  process.stdout.write(`${line}\n`);
};

/** Names the variable, not the action input: that is what users set here. */
function inVariables(message: string): string {
  return message.replace(/Input "([a-z-]+)"/g, (_m, name: string) => envName(name));
}

/** The last line of a green run. */
function doneLine(config: Config, outcome: Outcome): string {
  const { result } = outcome;
  const targets = config.targets.map(describeTarget).join(", ");
  if (result.plan) return `✔ Dry run: ${result.image} would be deployed to ${targets}`;
  if (!config.deploy) return `✔ Built ${result.image}${config.pushImage ? " and pushed it" : ""} (deploy: false)`;
  const where = result.targets.map(
    (t) => `${t.name ?? t.id} (${t.deploymentStatus === "done" ? "deployment done" : (t.deploymentStatus ?? "")})`,
  );
  return `✔ Deployed ${result.image} to ${where.join(", ")}`;
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    write(helpText());
    return 0;
  }
  const debug = env.DEBUG === "true" || env.CI_DEBUG_TRACE === "true";
  const ci = detectCi(env);
  const logger = ci.name === "gitlab" ? gitlabLogger(write, debug) : plainLogger(write, debug);
  let config;
  try {
    config = parseConfig(inputsFromEnv(env, ci.defaults(env)), await ci.context(env, nodeExec));
  } catch (error) {
    logger.error(inVariables(errorMessage(error)));
    return error instanceof DeployError ? error.exitCode : 1;
  }
  // Pulling with the job token only happens when neither a deploy token nor PULL_* is there.
  const pullFromJobToken =
    ci.name === "gitlab" && !env.PULL_PASSWORD && !env.CI_DEPLOY_PASSWORD && !!env.CI_REGISTRY_PASSWORD;
  if (pullFromJobToken && config.pull?.password === env.CI_REGISTRY_PASSWORD) {
    logger.warn(
      "Dokploy will pull with this job's CI_REGISTRY_PASSWORD, which expires when the job ends. Create a deploy token named gitlab-deploy-token (read_registry), or set PULL_USERNAME/PULL_PASSWORD.",
    );
  }
  const ports = nodePorts(logger, env, env.RUNNER_TEMP ?? env.BITBUCKET_PIPE_STORAGE_DIR);
  const cancel = listenForCancel(write);
  const outcome = await run(config, ports, cancel.signal).finally(() => ports.close());
  const outputs = outputsOf(outcome.result);
  for (const output of OUTPUTS) write(`${output.name}=${outputs[output.name]}`);
  if (env.OUTPUT_FILE) {
    // Not the build metadata: with provenance it runs to kilobytes, and GitLab drops a whole
    // dotenv report over 5 KB.
    const lines = OUTPUTS.filter((o) => o.name !== "metadata").map(
      (o) => `DOKPLOY_${envName(o.name)}=${outputs[o.name]}`,
    );
    await writeFile(env.OUTPUT_FILE, `${lines.join("\n")}\n`);
  }
  cancel.dispose();
  if (outcome.error) {
    // Bad input found during the run (a target's name) is told like bad input up front.
    logger.error(outcome.error instanceof ConfigError ? inVariables(outcome.error.message) : outcome.error.message);
    return outcome.error instanceof DeployError ? outcome.error.exitCode : 1;
  }
  write(doneLine(config, outcome));
  return 0;
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    write(`✖ ${errorMessage(error)}`);
    process.exitCode = 1;
  },
);
