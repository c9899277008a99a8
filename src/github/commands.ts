import type { Logger } from "../core/log";

/** Escapes a workflow command's message, as the runner expects (%, CR, LF). */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** The runner reads an input from INPUT_<NAME> (spaces to _, upper case), trimmed. */
export function getInput(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

/**
 * The log as the runner reads it: plain lines, and ::debug/warning/error/group:: commands.
 * Written directly, so the toolkit (and its HTTP client) loads only at the end, for outputs
 * and the job summary, while docker already works. Never ::add-mask::, which would print
 * the secret; everything reaching here went through the redactor.
 */
export function githubLogger(write: (line: string) => void, debug: boolean): Logger {
  return {
    debug: (m) => {
      if (debug) write(`::debug::${escapeData(m)}`);
    },
    info: (m) => {
      write(m);
    },
    warn: (m) => {
      write(`::warning::${escapeData(m)}`);
    },
    error: (m) => {
      write(`::error::${escapeData(m)}`);
    },
    group: async (title, fn) => {
      write(`::group::${escapeData(title)}`);
      try {
        return await fn();
      } finally {
        write("::endgroup::");
      }
    },
  };
}
