/**
 * The architecture's import rules, checked over src/ (part of `npm run lint`):
 * - no import cycles between files, type-only imports included;
 * - imports point down the layers (docs/architecture.md): a folder imports from itself or from a
 *   lower layer, never from a higher one;
 * - the capability folders, which share a layer, import each other without a cycle.
 * Prints each violation with the import that makes it; exits 1 when there is one.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** Layers, lowest first. Folders in one entry share the layer. */
export const LAYERS: readonly (readonly string[])[] = [
  ["shared"],
  ["config"],
  ["dokploy"],
  ["record"],
  ["registry", "build", "targets", "preview", "report"],
  ["pipeline"],
  ["platform"],
  ["github", "cli"],
];

export interface Violation {
  readonly rule: "cycle" | "upward" | "folder-cycle" | "unknown-folder";
  readonly message: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [full] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, path.join(base, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Each file's imports of other files under the root (static, dynamic and `typeof import`). */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = info.importedFiles
      .map((ref) => resolveImport(file, ref.fileName))
      .filter((target): target is string => target !== undefined && target.startsWith(root) && target.endsWith(".ts"));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one member, or a self-import (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    order.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) ?? 0, order.get(next) ?? 0));
    }
    if (low.get(node) !== order.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!order.has(node)) visit(node);
  return found;
}

/** One path around a cycle among `members`, from the first back to it (breadth first). */
function cyclePath(graph: ReadonlyMap<string, readonly string[]>, members: readonly string[]): string[] {
  const inside = new Set(members);
  const start = members[0] ?? "";
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() ?? "";
    for (const next of graph.get(node) ?? []) {
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0] ?? "") ?? start);
        return [...path, start];
      }
      if (inside.has(next) && !cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [...members, start];
}

const folderOf = (root: string, file: string): string => path.relative(root, file).split(path.sep)[0] ?? "";
const layerOf = (folder: string): number => LAYERS.findIndex((layer) => layer.includes(folder));

/** Every broken rule in the tree under `root` (src/). */
export function checkImports(root: string): Violation[] {
  const graph = importGraph(root);
  const rel = (file: string) => path.join("src", path.relative(root, file));
  const violations: Violation[] = cycles(graph).map((members) => ({
    rule: "cycle",
    message: `import cycle: ${cyclePath(graph, members).map(rel).join(" -> ")}${members.length > 2 ? ` (${String(members.length)} files in the cycle)` : ""}`,
  }));
  const folders = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = folderOf(root, file);
    if (layerOf(from) < 0 && from.endsWith(".ts") === false) {
      violations.push({ rule: "unknown-folder", message: `${rel(file)}: src/${from} is in no layer` });
      continue;
    }
    for (const target of targets) {
      const to = folderOf(root, target);
      if (to === from) continue;
      if (layerOf(to) > layerOf(from)) {
        violations.push({
          rule: "upward",
          message: `${rel(file)} imports ${rel(target)}: src/${from} may not import from src/${to}, a higher layer`,
        });
      } else if (layerOf(to) === layerOf(from)) {
        const edges = folders.get(from) ?? new Set<string>();
        edges.add(to);
        folders.set(from, edges);
      }
    }
  }
  const folderGraph = new Map([...folders].map(([from, to]) => [from, [...to]]));
  for (const members of cycles(folderGraph)) {
    violations.push({
      rule: "folder-cycle",
      message: `the folders import each other in a cycle: ${cyclePath(folderGraph, members)
        .map((m) => `src/${m}`)
        .join(" -> ")}`,
    });
  }
  return violations;
}

if (import.meta.url === `file://${process.argv[1] ?? ""}`) {
  const root = path.resolve(process.argv[2] ?? "src");
  const violations = checkImports(root);
  for (const violation of violations) console.error(`${violation.rule}: ${violation.message}`);
  if (violations.length > 0) process.exit(1);
  console.log(`imports: no cycles, none up the layers (${String(importGraph(root).size)} files)`);
}
