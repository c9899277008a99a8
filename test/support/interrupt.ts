/** Runs a bundle like a CI runner would, and cancels it as a runner does: signals at a moment. */
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";

export interface Interruption {
  /** Sent once this text appears in the output. */
  readonly when: RegExp;
  /** Signals to send, one after another. */
  readonly signals: readonly NodeJS.Signals[];
  /** Wait this long after the text before the first signal. */
  readonly afterMs?: number;
  /** Between signals. */
  readonly gapMs?: number;
}

export interface InterruptedRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr as they came. */
  readonly output: string;
  /** Whether the signals were sent (the text appeared). */
  readonly interrupted: boolean;
  /** Milliseconds from the first signal to the exit. */
  readonly exitAfterMs: number;
  /** Date.now() when the process exited. */
  readonly exitedAt: number;
  /** It was still running at `killAfterMs` and was killed. */
  readonly killed: boolean;
}

export async function runInterrupted(
  argv: readonly string[],
  options: { env: Record<string, string>; cwd: string; killAfterMs?: number },
  interruption: Interruption,
): Promise<InterruptedRun> {
  const [command = "node", ...args] = argv;
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let stdout = "";
  let stderr = "";
  let interrupted = false;
  let signalledAt = 0;
  const watch = (d: Buffer) => {
    output += d.toString();
    // Nothing to send: no need to search the output (it can be tens of megabytes).
    if (interrupted || interruption.signals.length === 0 || !interruption.when.test(output)) return;
    interrupted = true;
    void (async () => {
      await new Promise((r) => setTimeout(r, interruption.afterMs ?? 0));
      for (const [i, signal] of interruption.signals.entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, interruption.gapMs ?? 100));
        signalledAt ||= performance.now();
        child.kill(signal);
      }
    })();
  };
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    watch(d);
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    watch(d);
  });
  let exitedAt = 0;
  child.on("exit", () => (exitedAt = Date.now()));
  let killed = false;
  const killer =
    options.killAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          killed = true;
          child.kill("SIGKILL");
        }, options.killAfterMs);
  const exitCode = await new Promise<number>((resolve) =>
    child.on("close", (code, signal) => resolve(code ?? (signal ? -1 : -2))),
  );
  clearTimeout(killer);
  return {
    exitCode,
    stdout,
    stderr,
    output,
    interrupted,
    exitAfterMs: signalledAt ? performance.now() - signalledAt : 0,
    exitedAt,
    killed,
  };
}

/** Processes whose command line holds `marker` (a docker command left behind, say). */
export async function processesWith(marker: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)("ps", ["-eo", "pid,pgid,args"]);
  return stdout.split("\n").filter((line) => line.includes(marker) && !line.includes(" ps -eo"));
}
