/**
 * The outputs and the job summary, written to the runner's files as the runner reads them,
 * without the toolkit (@actions/core is a MiB of JavaScript with its own HTTP client, which
 * would load while docker works, for two appends).
 */
import { randomBytes } from "node:crypto";
import { appendFile } from "node:fs/promises";
import { EOL } from "node:os";
import { errorMessage } from "../shared/errors";
import { escapeData } from "./commands";

/** Where the action leaves what it tells the workflow. */
export interface Toolkit {
  setOutputs(outputs: Readonly<Record<string, string>>): Promise<void>;
  addSummary(markdown: string): Promise<void>;
}

/** A heredoc delimiter that no name or value holds, so no value can end its block early. */
function delimiterFor(texts: readonly string[]): string {
  for (;;) {
    const delimiter = `ghadelimiter_${randomBytes(16).toString("hex")}`;
    if (!texts.some((text) => text.includes(delimiter))) return delimiter;
  }
}

/** Appends to the runner's file `variable` names; a failure says which file, and where. */
async function appendTo(what: string, variable: string, file: string, text: string): Promise<void> {
  try {
    await appendFile(file, text, "utf8");
  } catch (error) {
    throw new Error(`Could not write ${what} to ${variable} (${file}): ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * GITHUB_OUTPUT takes `name<<delimiter` blocks (one append for all of them); without it, the
 * old `::set-output` command. GITHUB_STEP_SUMMARY takes Markdown, appended.
 */
export function runnerFiles(env: NodeJS.ProcessEnv, write: (line: string) => void): Toolkit {
  return {
    setOutputs: async (outputs) => {
      const entries = Object.entries(outputs);
      const file = env.GITHUB_OUTPUT;
      if (!file) {
        for (const [name, value] of entries) write(`::set-output name=${escapeData(name)}::${escapeData(value)}`);
        return;
      }
      const delimiter = delimiterFor(entries.flat());
      const blocks = entries.map(([name, value]) => `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`);
      await appendTo("the step's outputs", "GITHUB_OUTPUT", file, blocks.join(""));
    },
    addSummary: async (markdown) => {
      const file = env.GITHUB_STEP_SUMMARY;
      if (file) await appendTo("the job summary", "GITHUB_STEP_SUMMARY", file, markdown);
    },
  };
}
