/**
 * Writes dist/licenses.txt and dist/cli/licenses.txt: the license of every production
 * dependency bundled into dist/ (ncc's own list misses what sits in split chunks).
 */
import { execFileSync } from "node:child_process";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const dirs = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((line) => line.trim() !== "" && line !== root);

const entries: string[] = [];
for (const dir of [...new Set(dirs)].sort()) {
  const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
    name: string;
    version: string;
    license?: string;
  };
  const file = (await readdir(dir)).find((f) => /^(licen[cs]e|copying)(\.md|\.txt)?$/i.test(f));
  const text = file ? (await readFile(join(dir, file), "utf8")).trim() : `License: ${pkg.license ?? "see package"}`;
  entries.push(`${pkg.name}@${pkg.version}\n${pkg.license ?? ""}\n${text}`);
}
const out = `${entries.join("\n\n")}\n`;
await writeFile(join(root, "dist/licenses.txt"), out);
await writeFile(join(root, "dist/cli/licenses.txt"), out);
console.log(`licenses of ${String(entries.length)} packages written`);
