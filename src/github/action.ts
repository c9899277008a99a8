import { INPUTS, OUTPUTS, type RawInputs, parseConfig, secretsOf } from "../config/config";
import { forkPreviewSkip } from "../config/fork";
import { buildSecretEnvNames } from "../build/build-secrets";
import { cacheEnvNames } from "../build/cache";
import { DeployError, errorMessage } from "../shared/errors";
import { reportModel } from "../report/model";
import { summaryMarkdown } from "../report/summary";
import { outputsOf, run as deploy } from "../pipeline/run";
import { listenForCancel } from "../platform/cancel";
import { nodePorts } from "../platform/ports";
import { escapeData, getInput, githubLogger } from "./commands";
import { ciContextFromGithub } from "./context";
import { checkForgeInputs, forgeNotice, forgeOf } from "./forge";
import { githubNative } from "./native";
import type { Toolkit } from "./runner-files";

export const write = (line: string) => {
  process.stdout.write(`${line}\n`);
};
// The runner shows ::debug:: lines only when step debugging is on; skip writing them otherwise.
const logger = githubLogger(write, process.env.RUNNER_DEBUG === "1" || process.env.ACTIONS_STEP_DEBUG === "true");

function fail(error: unknown): void {
  logger.error(errorMessage(error));
  process.exitCode = error instanceof DeployError ? error.exitCode : 1;
}

/** @actions/core, which GitHub's local runner (@github/local-action) replaces to show the outputs. */
async function actionsCore(): Promise<Toolkit> {
  const core = await import("@actions/core");
  const naming = async (what: string, variable: string, write: () => unknown) => {
    try {
      await write();
    } catch (error) {
      const file = process.env[variable] ?? "unset";
      throw new Error(`Could not write ${what} to ${variable} (${file}): ${errorMessage(error)}`, { cause: error });
    }
  };
  return {
    setOutputs: (outputs) =>
      naming("the step's outputs", "GITHUB_OUTPUT", () => {
        for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
      }),
    addSummary: (markdown) =>
      naming("the job summary", "GITHUB_STEP_SUMMARY", () => core.summary.addRaw(markdown).write()),
  };
}

async function main(env: NodeJS.ProcessEnv, loadToolkit: () => Promise<Toolkit>): Promise<void> {
  const raw: RawInputs = {};
  for (const input of INPUTS) raw[input.name] = getInput(env, input.name, "secret" in input && input.secret);
  const ci = await ciContextFromGithub(env);
  const forge = forgeOf(env);
  const skip = forkPreviewSkip(raw, ci);
  if (skip) {
    write(forge === "github" ? `::notice::${escapeData(skip)}` : skip);
    return;
  }
  const config = parseConfig(raw, ci);
  checkForgeInputs(config, forge);
  // Forgejo's and Gitea's runners print ::notice:: as it is: there, a plain line.
  const notify = forge === "github" ? (n: string) => write(`::notice::${escapeData(n)}`) : logger.info;
  const aside = forgeNotice(forge);
  for (const notice of aside ? [...config.notices, aside] : config.notices) notify(notice);
  // What writes the outputs and the summary loads while docker works, not on the way to the build.
  let toolkit: Promise<Toolkit> | undefined;
  const base = nodePorts(logger, env, {
    tempRoot: env.RUNNER_TEMP,
    secrets: secretsOf(config),
    keepEnv: [...buildSecretEnvNames(config), ...cacheEnvNames(config)],
  });
  const cancel = listenForCancel(write);
  // Deployments and the pull-request comment; undefined (and Octokit never loaded) when off.
  const github = githubNative(config, env, logger, undefined, cancel.signal);
  const ports = {
    ...base,
    whileDockerWorks: () => (toolkit ??= loadToolkit()),
    onChange: github?.onChange,
  };
  const outcome = await deploy(config, ports, cancel.signal).finally(() => base.close());
  const kit = await (toolkit ??= loadToolkit());
  const outputs = outputsOf(outcome.result);
  const report = reportModel(config, outcome);
  // Outputs that cannot be written fail the step, once the summary and GitHub are told how the run ended.
  const unwritten = await kit
    .setOutputs(Object.fromEntries(OUTPUTS.map((output) => [output.name, outputs[output.name]])))
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  if (env.GITHUB_STEP_SUMMARY) {
    try {
      await kit.addSummary(summaryMarkdown(report));
    } catch (error) {
      logger.warn(errorMessage(error));
    }
  }
  await github?.finish(report);
  if (unwritten) fail(unwritten);
  if (outcome.error) fail(outcome.error);
  cancel.dispose();
}

/**
 * The action: reads its inputs from the environment as the runner sets them, deploys, and sets
 * the outputs, the job summary and the exit code. Never rejects. Exported apart from the entry
 * point (main.ts) so that GitHub's local runner, @github/local-action, can call it: called
 * without a toolkit, it writes through @actions/core, which that runner replaces. The entry
 * point writes the runner's files itself.
 */
export async function run(loadToolkit: () => Promise<Toolkit> = actionsCore): Promise<void> {
  await main(process.env, loadToolkit).catch(fail);
}
