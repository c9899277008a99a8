import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runnerFiles } from "../../src/github/runner-files";
import { parseOutputFile } from "../support/action";
import { tempDir } from "../support/temp";

async function files(): Promise<{ output: string; summary: string; env: NodeJS.ProcessEnv }> {
  const dir = await tempDir("runner-files");
  const output = join(dir, "output");
  const summary = join(dir, "summary");
  await writeFile(output, "earlier<<EOF\nstep\nEOF\n");
  await writeFile(summary, "## An earlier step\n");
  return { output, summary, env: { GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary } };
}

describe("the runner's files, written without the toolkit", () => {
  it("appends every output as a block the runner reads back, whatever the value holds", async () => {
    const { output, env } = await files();
    const outputs = {
      image: "ghcr.io/acme/web:3f2c1ab",
      plan: "1. docker build\n2. docker push",
      digest: "",
      tricky: "a=b\nname<<EOF\nghadelimiter_0000\nEOF",
    };
    await runnerFiles(env, () => undefined).setOutputs(outputs);
    const text = await readFile(output, "utf8");
    expect(parseOutputFile(text)).toEqual({ earlier: "step", ...outputs });
    // One delimiter for the append, held by no value.
    const delimiters = new Set([...text.matchAll(/^[a-z]+<<(ghadelimiter_[0-9a-f]+)$/gm)].map((m) => m[1]));
    expect(delimiters.size).toBe(1);
    expect([...delimiters][0]).toMatch(/^ghadelimiter_[0-9a-f]{32}$/);
  });

  it("appends the summary's Markdown to what earlier steps wrote", async () => {
    const { summary, env } = await files();
    await runnerFiles(env, () => undefined).addSummary("## Deployed\n| a | b |\n");
    expect(await readFile(summary, "utf8")).toBe("## An earlier step\n## Deployed\n| a | b |\n");
  });

  it("without GITHUB_OUTPUT, prints the set-output commands, escaped; without GITHUB_STEP_SUMMARY, writes none", async () => {
    const lines: string[] = [];
    const toolkit = runnerFiles({}, (line) => lines.push(line));
    await toolkit.setOutputs({ tag: "3f2c1ab", plan: "one\ntwo 100%" });
    await toolkit.addSummary("## Deployed");
    expect(lines).toEqual(["::set-output name=tag::3f2c1ab", "::set-output name=plan::one%0Atwo 100%25"]);
  });

  it("names the runner's file it could not write, and its path", async () => {
    const { env } = await files();
    const output = join(String(env.GITHUB_OUTPUT), "..", "gone", "output");
    const summary = join(String(env.GITHUB_STEP_SUMMARY), "..", "gone", "summary");
    const toolkit = runnerFiles({ GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary }, () => undefined);
    await expect(toolkit.setOutputs({ tag: "v1" })).rejects.toThrow(
      `Could not write the step's outputs to GITHUB_OUTPUT (${output}): ENOENT`,
    );
    await expect(toolkit.addSummary("## Deployed")).rejects.toThrow(
      `Could not write the job summary to GITHUB_STEP_SUMMARY (${summary}): ENOENT`,
    );
  });
});
