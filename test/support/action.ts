/** Runs the bundled action the way a GitHub runner does: INPUT_* variables, GITHUB_* files. */
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Interruption, runInterrupted } from "./interrupt";

// ACTION_BUNDLE runs the suite against another build of the action (e.g. an older dist/).
export const ACTION = process.env.ACTION_BUNDLE ?? resolve(import.meta.dirname, "../../dist/index.js");

export interface ActionRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Whether the interruption's signals were sent. */
  readonly interrupted: boolean;
  /** Date.now() when the process exited. */
  readonly exitedAt: number;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  /** Files left in RUNNER_TEMP after the run. */
  readonly leftovers: string[];
  /** Files left on disk (work dir, HOME, cwd) that hold one of the given secrets. */
  readonly filesWithSecrets: string[];
  /** The action was still running at `killAfterMs` and was killed. */
  readonly killed: boolean;
}

/** Parses GITHUB_OUTPUT: `name<<DELIM\nvalue\nDELIM` blocks and `name=value` lines. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = "", delimiter] = heredoc;
      const value: string[] = [];
      for (i += 1; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? "");
      outputs[name] = value.join("\n");
    } else if (line.includes("=")) {
      outputs[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return outputs;
}

export interface RunActionOptions {
  readonly inputs: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  /** HOME to use; a fresh one with a ~/.docker/config.json is made when absent. */
  readonly home?: string;
  /** Secrets to look for in every file the run leaves in its work dir, HOME and cwd. */
  readonly secrets?: readonly string[];
  /** Kill the action (SIGKILL) if it is still running after this long. */
  readonly killAfterMs?: number;
  /** Signals to send while it runs, as a cancelled workflow would. */
  readonly interruption?: Interruption;
  /** A command the action runs under (e.g. in a namespace of its own): it ends with `exec "$@"`. */
  readonly launcher?: readonly string[];
}

/** Files under `dir` whose content holds one of `secrets` (or its base64 form). */
export async function filesHolding(dir: string, secrets: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const needles = secrets.flatMap((s) => [s, Buffer.from(s).toString("base64")]);
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const path = join(dir, entry);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch {
      continue; // a directory, or gone
    }
    if (needles.some((n) => text.includes(n))) found.push(path);
  }
  return found;
}

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const work = await mkdtemp(join(tmpdir(), "action-run-"));
  const outputFile = join(work, "output");
  const summaryFile = join(work, "summary");
  const runnerTemp = await mkdtemp(join(work, "runner-temp-"));
  await writeFile(outputFile, "");
  await writeFile(summaryFile, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: options.home ?? work,
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REPOSITORY: "acme/web",
    GITHUB_RUN_ID: "4242",
    GITHUB_SHA: "0000000000000000000000000000000000000000",
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const ran = await runInterrupted(
    [...(options.launcher ?? []), process.execPath, ACTION],
    { cwd: options.cwd ?? work, env, killAfterMs: options.killAfterMs },
    options.interruption ?? { when: /(?!)/, signals: [] },
  );
  const result = {
    exitCode: ran.exitCode,
    stdout: ran.stdout,
    stderr: ran.stderr,
    interrupted: ran.interrupted,
    exitedAt: ran.exitedAt,
    killed: ran.killed,
    outputs: parseOutputFile(await readFile(outputFile, "utf8")),
    summary: await readFile(summaryFile, "utf8"),
    leftovers: await readdir(runnerTemp),
    filesWithSecrets: [
      ...(await filesHolding(work, options.secrets ?? [])),
      ...(options.home ? await filesHolding(options.home, options.secrets ?? []) : []),
      ...(options.cwd ? await filesHolding(options.cwd, options.secrets ?? []) : []),
    ],
  };
  await rm(work, { recursive: true, force: true });
  return result;
}
