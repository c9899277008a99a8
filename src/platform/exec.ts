import { getExecOutput } from "@actions/exec";
import type { Exec } from "../core/exec";

/** Exec over @actions/exec: output is captured and handed over line by line, never echoed raw. */
export const nodeExec: Exec = async (file, args, options = {}) => {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  Object.assign(env, options.env ?? {});
  try {
    return await getExecOutput(file, [...args], {
      input: options.input === undefined ? undefined : Buffer.from(options.input, "utf8"),
      env,
      cwd: options.cwd,
      silent: true,
      ignoreReturnCode: true,
      listeners: {
        stdline: (line: string) => options.onLine?.(line, "stdout"),
        errline: (line: string) => options.onLine?.(line, "stderr"),
      },
    });
  } catch (error) {
    // The program could not be started at all (not installed, not executable).
    const message = error instanceof Error ? error.message : String(error);
    return { exitCode: 127, stdout: "", stderr: `${file}: ${message}` };
  }
};
