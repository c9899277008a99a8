import { expect } from "vitest";
import type { ActionRun } from "./action";

/**
 * Nothing a user can read holds a secret or its base64: log, outputs, summary, files left behind
 * under the runner's temp dirs.
 */
export function expectNoSecrets(run: ActionRun, secrets: readonly string[]): void {
  for (const secret of secrets) {
    for (const [where, text] of [
      ["stdout", run.stdout],
      ["stderr", run.stderr],
      ["outputs", JSON.stringify(run.outputs)],
      ["summary", run.summary],
    ] as const) {
      expect(text.includes(secret), `secret found in ${where}`).toBe(false);
      expect(text.includes(Buffer.from(secret).toString("base64")), `base64 secret found in ${where}`).toBe(false);
    }
  }
  expect(run.filesWithSecrets).toEqual([]);
  expect(run.leftovers).toEqual([]);
}

/** Everything a run printed or wrote where a user reads it. */
export function printed(run: ActionRun): string {
  return [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs)].join("\n");
}
