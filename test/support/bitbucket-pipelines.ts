/**
 * What the Bitbucket preview tests share: the pipe variables of each step of bitbucket/README.md's
 * preview example, their `$NAME` references filled in as Bitbucket fills them from the
 * repository's variables, and the pipe's program (dist/cli/index.js) run with a step's variables.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { expect } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./runner-image";
import { type ChildOutput, childOutput } from "./child-output";

const CLI = resolve(import.meta.dirname, "../../dist/cli/index.js");

interface PipeStep {
  step: { script: { pipe: string; variables: Record<string, string> }[] };
}

export interface Pipelines {
  "pull-requests": Record<string, PipeStep[]>;
  custom: Record<string, (PipeStep | { variables: unknown })[]>;
}

/** The pipe variables of the first step of a pipeline of the README's preview example. */
export async function documentedPipe(pick: (p: Pipelines) => readonly unknown[]): Promise<Record<string, string>> {
  const readme = await readFile(join(ROOT, "bitbucket/README.md"), "utf8");
  const yaml = /<!-- example:preview -->\n+```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!yaml) throw new Error("bitbucket/README.md has no example:preview block");
  const step = pick((parse(yaml) as { pipelines: Pipelines }).pipelines).find(
    (s): s is PipeStep => "step" in (s as object),
  );
  const pipe = step?.step.script[0];
  expect(pipe?.pipe).toMatch(/^acme\/dokploy-deploy-pipe:/);
  return pipe?.variables ?? {};
}

/** `$NAME` references replaced as Bitbucket would, from the repository's variables. */
export function filled(variables: Record<string, string>, repository: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(variables).map(([k, v]) => [
      k,
      v.replace(/\$([A-Z_]+)/g, (_, name: string) => repository[name] ?? ""),
    ]),
  );
}

export type PipeRun = ChildOutput;

/** dist/cli/index.js as the pipe runs it, in `cwd`, with only the variables given (and PATH, HOME). */
export async function runPipeProgram(variables: Record<string, string>, cwd: string): Promise<PipeRun> {
  const child = spawn(process.execPath, [CLI], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, ...variables },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return childOutput(child);
}
