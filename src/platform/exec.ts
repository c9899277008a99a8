import { spawn } from "node:child_process";
import type { Exec, ExecOptions } from "../shared/exec";
import { signalGroup, tracked } from "./cancel";

/** After SIGTERM, how long a docker command gets to stop before its group is killed. */
const KILL_AFTER_MS = 5_000;

/** Output kept of a program, per stream: the end of it (the part an error message shows). */
const KEPT_OUTPUT = 1024 * 1024;
const LONGEST_LINE = 64 * 1024;

/**
 * Variables that hold secrets by name: the CLI's inputs (its GitHub twins are all INPUT_*), and
 * the runner's token for GitHub's cache service (kept when a build uses type=gha).
 */
const SECRET_VARIABLES = new Set(["DOKPLOY_API_KEY", "REGISTRY_PASSWORD", "PULL_PASSWORD", "ACTIONS_RUNTIME_TOKEN"]);

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

/** Collects a program's output: the end of each stream, and each line for `onLine`. */
class Output {
  readonly text = { stdout: "", stderr: "" };
  private readonly pending = { stdout: "", stderr: "" };

  constructor(private readonly onLine: ExecOptions["onLine"]) {}

  take(stream: "stdout" | "stderr", chunk: Buffer): void {
    const text = chunk.toString("utf8");
    const kept = this.text[stream] + text;
    this.text[stream] = kept.length > 2 * KEPT_OUTPUT ? kept.slice(-KEPT_OUTPUT) : kept;
    const lines = (this.pending[stream] + text).split(/\r?\n/);
    this.pending[stream] = lines.pop() ?? "";
    // A line that never ends (a progress bar without newlines) is handed over in pieces.
    if (this.pending[stream].length > LONGEST_LINE) {
      lines.push(this.pending[stream]);
      this.pending[stream] = "";
    }
    for (const line of lines) this.onLine?.(line, stream);
  }

  flush(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.pending[stream]) this.onLine?.(this.pending[stream], stream);
    }
  }
}

/**
 * Exec over child_process with `baseEnv` as the environment: output is captured and handed
 * over line by line (never echoed raw), stdin gets `input` and is closed, and an aborted signal
 * ends the program with everything it started: each program runs in its own process group
 * (docker runs plugins such as buildx as children), which gets SIGTERM, then SIGKILL if it has
 * not ended in a few seconds.
 */
export function execWith(baseEnv: NodeJS.ProcessEnv): Exec {
  return (file, args, options = {}) =>
    new Promise((resolve) => {
      const env: NodeJS.ProcessEnv = { ...baseEnv, ...options.env };
      const output = new Output(options.onLine);
      const child = spawn(file, [...args], { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"], detached: true });
      const pid = child.pid;
      const untrack = pid === undefined ? () => false : tracked.childGroup(pid);
      let killer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        if (pid === undefined) return;
        signalGroup(pid, "SIGTERM");
        killer = setTimeout(() => {
          signalGroup(pid, "SIGKILL");
        }, KILL_AFTER_MS);
      };
      if (options.signal?.aborted) onAbort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      child.stdout.on("data", (chunk: Buffer) => {
        output.take("stdout", chunk);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        output.take("stderr", chunk);
      });
      child.stdin.on("error", () => undefined); // a program that does not read stdin
      child.stdin.end(options.input ?? "");
      let done = false;
      const finish = (exitCode: number, extra = "") => {
        if (done) return;
        done = true;
        untrack();
        clearTimeout(killer);
        options.signal?.removeEventListener("abort", onAbort);
        output.flush();
        resolve({ exitCode, stdout: output.text.stdout, stderr: output.text.stderr + extra });
      };
      // Not installed, not executable: like a shell, answer 127.
      child.on("error", (error) => finish(127, `${file}: ${error.message}`));
      child.on("close", (code, signal) => finish(code ?? (signal ? 128 + 15 : 1)));
    });
}

/** Exec with this process's environment, less the secrets it holds by name. */
export const nodeExec: Exec = (file, args, options) => execWith(childEnvironment(process.env))(file, args, options);
