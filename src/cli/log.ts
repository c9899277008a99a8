import type { Logger } from "../core/log";

export type Write = (line: string) => void;

const ESC = "\u001b";

/** GitLab: collapsible sections (section_start/section_end), colours for warnings and errors. */
export function gitlabLogger(write: Write, debug: boolean, now: () => number = Date.now): Logger {
  let sections = 0;
  return {
    debug: (m) => {
      if (debug) write(`${ESC}[0;90m${m}${ESC}[0m`);
    },
    info: (m) => {
      write(m);
    },
    warn: (m) => {
      write(`${ESC}[0;33mWARNING: ${m}${ESC}[0m`);
    },
    error: (m) => {
      write(`${ESC}[0;31mERROR: ${m}${ESC}[0m`);
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
        `${ESC}[0Ksection_start:${String(Math.floor(now() / 1000))}:${name}\r${ESC}[0K${ESC}[1;36m${title}${ESC}[0m`,
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
  return {
    debug: (m) => {
      if (debug) write(`DEBUG: ${m}`);
    },
    info: (m) => {
      write(m);
    },
    warn: (m) => {
      write(`WARNING: ${m}`);
    },
    error: (m) => {
      write(`✖ ${m}`);
    },
    group: async (title, fn) => {
      write(`▶ ${title}`);
      return fn();
    },
  };
}
