import * as core from "@actions/core";
import { INPUTS, OUTPUTS, type RawInputs, parseConfig } from "../core/config";
import { DeployError, errorMessage } from "../core/errors";
import type { Logger } from "../core/log";
import { summaryMarkdown } from "../core/report";
import { outputsOf, run } from "../core/run";
import { nodePorts } from "../platform/ports";
import { ciContextFromGithub } from "./context";

// No core.setSecret here: it prints the secret in an ::add-mask:: line, and values from
// `secrets.*` are masked by the runner already. Everything we print goes through a redactor.
const githubLogger: Logger = {
  debug: (m) => {
    core.debug(m);
  },
  info: (m) => {
    core.info(m);
  },
  warn: (m) => {
    core.warning(m);
  },
  error: (m) => {
    core.error(m);
  },
  group: (title, fn) => core.group(title, fn),
};

function fail(error: unknown): void {
  core.setFailed(errorMessage(error));
  process.exitCode = error instanceof DeployError ? error.exitCode : 1;
}

async function main(): Promise<void> {
  const raw: RawInputs = {};
  for (const input of INPUTS) raw[input.name] = core.getInput(input.name);
  const config = parseConfig(raw, await ciContextFromGithub(process.env));
  const ports = nodePorts(githubLogger, process.env, process.env.RUNNER_TEMP);
  const outcome = await run(config, ports).finally(() => ports.close());
  const outputs = outputsOf(outcome.result);
  for (const output of OUTPUTS) core.setOutput(output.name, outputs[output.name]);
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(summaryMarkdown(config, outcome)).write();
    } catch (error) {
      core.warning(`Could not write the job summary: ${errorMessage(error)}`);
    }
  }
  if (outcome.error) fail(outcome.error);
}

main().catch(fail);
