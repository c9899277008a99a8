import { spawn } from "node:child_process";
import type { Exec } from "../core/exec";

/** Output kept of a program, per stream: the end of it (the part an error message shows). */
const KEPT_OUTPUT = 1024 * 1024;
const LONGEST_LINE = 64 * 1024;

/** Variables that hold secrets by name: the CLI's inputs (its GitHub twins are all INPUT_*). */
const SECRET_VARIABLES = new Set(["DOKPLOY_API_KEY", "REGISTRY_PASSWORD", "PULL_PASSWORD"]);

/**
 * The environment children get: this process's, without the action's inputs (INPUT_*), the
 * CLI's secret variables, and any variable whose value is one of `secrets`, except those in
 * `keep` (variables a build secret is read from, e.g. build-secrets: id=npm,env=NPM_TOKEN).
 */
export function childEnvironment(
  env: NodeJS.ProcessEnv,
  secrets: readonly string[] = [],
  keep: readonly string[] = [],
): NodeJS.ProcessEnv {
  const values = new Set(secrets.filter((s) => s !== ""));
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    const secret =
      name.startsWith("INPUT_") || SECRET_VARIABLES.has(name) || (value !== undefined && values.has(value.trim()));
    if (!secret || keep.includes(name)) kept[name] = value;
  }
  return kept;
}

function keepEnd(text: string): string {
  return text.length > 2 * KEPT_OUTPUT ? text.slice(-KEPT_OUTPUT) : text;
}

/**
 * Exec over child_process with `baseEnv` as the environment: output is captured and handed
 * over line by line (never echoed raw), stdin gets `input` and is closed, and an aborted signal
 * ends the program.
 */
export function execWith(baseEnv: NodeJS.ProcessEnv): Exec {
  return (file, args, options = {}) =>
    new Promise((resolve) => {
      const env: NodeJS.ProcessEnv = { ...baseEnv, ...options.env };
      let stdout = "";
      let stderr = "";
      const pending = { stdout: "", stderr: "" };
      const child = spawn(file, [...args], { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
      const onAbort = () => child.kill("SIGTERM");
      options.signal?.addEventListener("abort", onAbort, { once: true });
      const take = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
        const text = chunk.toString("utf8");
        if (stream === "stdout") stdout = keepEnd(stdout + text);
        else stderr = keepEnd(stderr + text);
        const lines = (pending[stream] + text).split(/\r?\n/);
        pending[stream] = lines.pop() ?? "";
        // A line that never ends (a progress bar without newlines) is handed over in pieces.
        if (pending[stream].length > LONGEST_LINE) {
          lines.push(pending[stream]);
          pending[stream] = "";
        }
        for (const line of lines) options.onLine?.(line, stream);
      };
      child.stdout.on("data", take("stdout"));
      child.stderr.on("data", take("stderr"));
      child.stdin.on("error", () => undefined); // a program that does not read stdin
      child.stdin.end(options.input ?? "");
      let done = false;
      const finish = (exitCode: number, extra = "") => {
        if (done) return;
        done = true;
        options.signal?.removeEventListener("abort", onAbort);
        for (const stream of ["stdout", "stderr"] as const) {
          if (pending[stream]) options.onLine?.(pending[stream], stream);
        }
        resolve({ exitCode, stdout, stderr: stderr + extra });
      };
      child.on("error", (error) => {
        // Not installed, not executable: like a shell, answer 127.
        finish(127, `${file}: ${error.message}`);
      });
      child.on("close", (code, signal) => {
        finish(code ?? (signal ? 128 + 15 : 1));
      });
    });
}

/** Exec with this process's environment, less the secrets it holds by name. */
export const nodeExec: Exec = (file, args, options) => execWith(childEnvironment(process.env))(file, args, options);
