/**
 * Which inputs take lists, and how they may be separated: found by asking each input's own
 * parser (src/config/input-parsers.ts), so the docs say what the step does, not what someone wrote.
 */
import type { InputName } from "../src/config/config";
import { parsers } from "../src/config/input-parsers";
import { inputs } from "./docs-common";

export type ListKind = "lines" | "lines-or-commas";

/** Two valid items of each shape an input's list may hold. */
const SAMPLES: readonly (readonly [string, string])[] = [
  ["first1", "second2"],
  ["A=1", "B=2"],
  ["linux/amd64", "linux/arm64"],
];

function items(name: InputName, value: string): number | undefined {
  try {
    const parsed: unknown = (parsers[name] as (raw: string | undefined) => unknown)(value);
    return Array.isArray(parsed) ? parsed.length : undefined;
  } catch {
    return undefined;
  }
}

/** How the input's parser splits a list, or undefined when it takes one value. */
export function listKind(name: InputName): ListKind | undefined {
  for (const [a, b] of SAMPLES) {
    if (items(name, `${a}\n${b}`) !== 2) continue;
    return items(name, `${a},${b}`) === 2 ? "lines-or-commas" : "lines";
  }
  return undefined;
}

function names(kind: ListKind, style: (name: string) => string): string {
  const found = inputs.filter((i) => listKind(i.name as InputName) === kind).map((i) => `\`${style(i.name)}\``);
  return found.length < 2 ? found.join("") : `${found.slice(0, -1).join(", ")} and ${found.at(-1) ?? ""}`;
}

/** The paragraph that says which inputs take lists, in the inputs' own names or the variables'. */
export function renderListRule(style: (name: string) => string = (n) => n): string {
  return [
    `Lists take one item a line. ${names("lines-or-commas", style)} also take commas (\`web, worker\`).`,
    `${names("lines", style)} take one item a line only: an item there may hold a comma.`,
  ].join(" ");
}
