import type { ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";

/** What a program the tests ran printed (stdout and stderr as they came) and how it ended. */
export interface ChildOutput {
  readonly exitCode: number;
  readonly output: string;
}

/** Collects a spawned program's output until it exits. */
export async function childOutput(child: ChildProcessByStdio<null, Readable, Readable>): Promise<ChildOutput> {
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exitCode = await new Promise<number>((done) => child.on("close", (code) => done(code ?? -1)));
  return { exitCode, output };
}
