import { randomBytes } from "node:crypto";
import { type Logger, messageLines, printableLines } from "../shared/log";

/** Escapes a workflow command's message, as the runner expects (%, CR, LF). */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/**
 * The runner reads an input from INPUT_<NAME> (spaces to _, upper case). Trimmed, but for
 * secrets only their line breaks at either end: the config trims them and says so.
 */
export function getInput(env: NodeJS.ProcessEnv, name: string, secret = false): string {
  const value = env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "";
  return secret ? value.replace(/^[\r\n]+|[\r\n]+$/g, "") : value.trim();
}

/** Characters .NET's culture-aware comparisons skip: the runner would not see them between the colons. */
// eslint-disable-next-line no-misleading-character-class -- these are single code points the runner skips, not combined characters
const IGNORABLE = /[\p{Cf}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0]/gu;

/**
 * Whether the runner could take the line for a workflow command: `::` after leading white
 * space, or the old `##[` form anywhere in the line.
 */
export function mayBeWorkflowCommand(line: string): boolean {
  const visible = line.replace(IGNORABLE, "");
  return /^[\s\u0085]*::/.test(visible) || visible.includes("##[");
}

/** A fresh token for ::stop-commands::, which no printed text can guess. */
function stopToken(): string {
  return randomBytes(16).toString("hex");
}

/**
 * The log as the runner reads it: plain lines, and ::debug/warning/error/group:: commands.
 * Written directly, so the toolkit (and its HTTP client) loads only at the end, for outputs
 * and the job summary, while docker already works. Never ::add-mask::, which would print
 * the secret; everything reaching here went through the redactor. Text that could be taken
 * for a workflow command (build output, Dokploy's answers and log) is printed between
 * ::stop-commands:: and its token, so the runner shows it and obeys none of it.
 */
export function githubLogger(write: (line: string) => void, debug: boolean, token = stopToken): Logger {
  const command = (name: string, message: string) => {
    write(`::${name}::${escapeData(messageLines(message).join("\n"))}`);
  };
  return {
    debug: (m) => {
      if (debug) command("debug", m);
    },
    info: (m) => {
      const lines = printableLines(m);
      if (!lines.some(mayBeWorkflowCommand)) {
        lines.forEach(write);
        return;
      }
      const stop = token();
      write(`::stop-commands::${stop}`);
      lines.forEach(write);
      write(`::${stop}::`);
    },
    warn: (m) => {
      command("warning", m);
    },
    error: (m) => {
      command("error", m);
    },
    group: async (title, fn) => {
      command("group", title);
      try {
        return await fn();
      } finally {
        write("::endgroup::");
      }
    },
  };
}
