/**
 * GitHub's own local runner for JavaScript actions, @github/local-action, runs the action from
 * the repository (src/github/action.ts's exported run(), with its stand-in of @actions/core)
 * in dry run: `npm run local-action`, as CI runs it.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

describe("@github/local-action", () => {
  it("runs the action's run() from the repository in dry run, with its outputs", async () => {
    const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "local-action"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", NO_COLOR: "1" },
      maxBuffer: 16 << 20,
    });
    expect(stdout).toContain(
      '::notice::Image "ghcr.io/Acme/Web" is used as "ghcr.io/acme/web": registries take lowercase repository names only.',
    );
    expect(stdout).toContain("Dry run: nothing is built, pushed or changed.");
    // docker push, or the engine's own push where an engine's socket is at the default place.
    expect(stdout).toMatch(
      /docker push ghcr\.io\/acme\/web:0123456789abcdef0123456789abcdef01234567|\/images\/ghcr\.io\/acme\/web\/push\?tag=0123456789abcdef0123456789abcdef01234567/,
    );
    // The outputs went through local-action's @actions/core, which prints them as a table.
    expect(stdout).toMatch(/Action Outputs[\s\S]*'tag'\s*│\s*'0123456789abcdef0123456789abcdef01234567'/);
    expect(stdout).not.toContain("::error::");
  }, 120_000);
});
