import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkImports } from "../../scripts/check-imports";

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/** A src/ tree of the given files (path → content). */
async function tree(files: Record<string, string>): Promise<string> {
  root = await mkdtemp(join(tmpdir(), "imports-"));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

describe("the import rules (npm run lint)", () => {
  it("pass a tree that imports down the layers only", async () => {
    const src = await tree({
      "shared/log.ts": "export const log = 1;\n",
      "config/config.ts": 'import { log } from "../shared/log";\nexport const config = log;\n',
      "pipeline/run.ts": 'import type { config } from "../config/config";\nexport type Run = typeof config;\n',
    });
    expect(checkImports(src)).toEqual([]);
  });

  it("fail on a cycle, type-only imports included, naming the files around it", async () => {
    const src = await tree({
      "shared/a.ts": 'import type { B } from "./b";\nexport type A = B | 1;\n',
      "shared/b.ts": 'import type { A } from "./a";\nexport type B = A | 2;\n',
    });
    expect(checkImports(src).map((v) => v.message)).toEqual([
      expect.stringMatching(/^import cycle: src\/shared\/[ab]\.ts -> src\/shared\/[ab]\.ts -> src\/shared\/[ab]\.ts$/),
    ]);
  });

  it("fail on an import up the layers", async () => {
    const src = await tree({
      "record/ledger.ts": 'import type { Run } from "../pipeline/run";\nexport type L = Run;\n',
      "pipeline/run.ts": "export type Run = 1;\n",
    });
    expect(checkImports(src)).toEqual([
      {
        rule: "upward",
        message:
          "src/record/ledger.ts imports src/pipeline/run.ts: src/record may not import from src/pipeline, a higher layer",
      },
    ]);
  });

  it("fail on capability folders that import each other in a cycle, with no file cycle", async () => {
    const src = await tree({
      "build/a.ts": 'import { c } from "../targets/c";\nexport const a = c;\n',
      "targets/c.ts": "export const c = 1;\n",
      "targets/d.ts": 'import { a } from "../build/a";\nexport const d = a;\n',
    });
    expect(checkImports(src).map((v) => v.rule)).toEqual(["folder-cycle"]);
  });

  it("fail on a folder that is in no layer", async () => {
    const src = await tree({ "misc/x.ts": "export const x = 1;\n" });
    expect(checkImports(src).map((v) => v.rule)).toEqual(["unknown-folder"]);
  });
});
