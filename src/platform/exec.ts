import { spawn } from "node:child_process";
import type { Exec } from "../core/exec";
import { signalGroup, tracked } from "./cancel";

/** After SIGTERM, how long a docker command gets to stop before its group is killed. */
const KILL_AFTER_MS = 5_000;

/**
 * Exec over child_process: output is captured and handed over line by line (never echoed raw),
 * stdin gets `input` and is closed, and an aborted signal ends the program with everything it
 * started: each program runs in its own process group (docker runs plugins such as buildx as
 * children), which gets SIGTERM, then SIGKILL if it has not ended in a few seconds.
 */
export const nodeExec: Exec = (file, args, options = {}) =>
  new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    let stdout = "";
    let stderr = "";
    const pending = { stdout: "", stderr: "" };
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
    const take = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      if (stream === "stdout") stdout += text;
      else stderr += text;
      const lines = (pending[stream] + text).split(/\r?\n/);
      pending[stream] = lines.pop() ?? "";
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
      untrack();
      clearTimeout(killer);
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
