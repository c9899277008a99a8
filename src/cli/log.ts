import { type Logger, messageLines, printableLines } from "../shared/log";

export type Write = (line: string) => void;

const ESC = "\u001b";

/** One line for a section title or heading. */
function oneLine(text: string): string {
  return printableLines(text).join(" ");
}

/**
 * GitLab: collapsible sections (section_start/section_end), colours for warnings and errors.
 * Every line of a message is printed on its own, control characters made visible, so no text
 * can open, close or hide a section.
 */
export function gitlabLogger(write: Write, debug: boolean, now: () => number = Date.now): Logger {
  let sections = 0;
  const coloured = (colour: string, prefix: string, message: string) => {
    messageLines(message).forEach((line, i) => {
      write(`${ESC}[${colour}m${i === 0 ? prefix : ""}${line}${ESC}[0m`);
    });
  };
  return {
    debug: (m) => {
      if (debug) coloured("0;90", "", m);
    },
    info: (m) => {
      printableLines(m).forEach(write);
    },
    warn: (m) => {
      coloured("0;33", "WARNING: ", m);
    },
    error: (m) => {
      coloured("0;31", "ERROR: ", m);
    },
    group: async (title, fn) => {
      sections += 1;
      const slug = title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "_")
        .replace(/^_|_$/g, "")
        .slice(0, 40);
      const name = `dokploy_deploy_${String(sections)}_${slug}`;
      write(
        `${ESC}[0Ksection_start:${String(Math.floor(now() / 1000))}:${name}\r${ESC}[0K${ESC}[1;36m${oneLine(title)}${ESC}[0m`,
      );
      try {
        return await fn();
      } finally {
        write(`${ESC}[0Ksection_end:${String(Math.floor(now() / 1000))}:${name}\r${ESC}[0K`);
      }
    },
  };
}

/** Bitbucket pipes and plain shells: headed steps, ✔ / ✖ lines as pipes print them. */
export function plainLogger(write: Write, debug: boolean): Logger {
  const prefixed = (prefix: string, message: string) => {
    messageLines(message).forEach((line, i) => {
      write(`${i === 0 ? prefix : ""}${line}`);
    });
  };
  return {
    debug: (m) => {
      if (debug) prefixed("DEBUG: ", m);
    },
    info: (m) => {
      printableLines(m).forEach(write);
    },
    warn: (m) => {
      prefixed("WARNING: ", m);
    },
    error: (m) => {
      prefixed("✖ ", m);
    },
    group: async (title, fn) => {
      write(`▶ ${oneLine(title)}`);
      return fn();
    },
  };
}
