/*
 * A service's variables, as Dokploy keeps them: dotenv text (`KEY=value` lines, comments, blank
 * lines, optional `export `). In a compose's, we change our variables' lines and nothing else:
 * every other byte stays as it was.
 */

function definition(name: string): RegExp {
  return new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=(.*)$`);
}

/** A value as dotenv reads it: quotes removed, a trailing comment dropped from a bare value. */
function unquote(raw: string): string {
  const value = raw.trim();
  const quote = value[0];
  if ((quote === '"' || quote === "'" || quote === "`") && value.length >= 2) {
    const end = value.indexOf(quote, 1);
    if (end > 0) return value.slice(1, end);
  }
  return value.replace(/\s+#.*$/, "");
}

function linesOf(env: string): { lines: string[]; eol: string } {
  const eol = env.includes("\r\n") ? "\r\n" : "\n";
  return { lines: env === "" ? [] : env.split(eol), eol };
}

/** A variable's definition: its name and its value as dotenv reads it. */
export interface Definition {
  readonly name: string;
  readonly value: string;
  /** Written without quotes (node's dotenv also ends such a value at a `#`, docker compose does not). */
  readonly bare: boolean;
}

const ANY_DEFINITION = /^\s*(?:export\s+)?([\w.-]+)\s*=(.*)$/;
const QUOTES = ['"', "'", "`"];

/**
 * Every definition in the text, in order, each value read as readVariable reads it (unquote).
 * Beyond that, as dotenv reads it (Dokploy passes the env through dotenv): a quoted value whose
 * closing quote is on a later line runs to it, line breaks and all; in double quotes, \n and \r
 * stand for line breaks.
 */
export function definitionsOf(env: string | null | undefined): Definition[] {
  const lines = (env ?? "").split(/\r\n|\r|\n/);
  const found: Definition[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = ANY_DEFINITION.exec(lines[i] ?? "");
    if (!match) continue;
    let raw = (match[2] ?? "").trim();
    const quote = raw[0] ?? "";
    if (QUOTES.includes(quote) && raw.indexOf(quote, 1) < 0) {
      const end = lines.findIndex((line, j) => j > i && line.includes(quote));
      if (end > i) {
        raw = [raw, ...lines.slice(i + 1, end + 1)].join("\n");
        i = end;
      }
    }
    const bare = !QUOTES.includes(quote) || raw.indexOf(quote, 1) < 0;
    const value = unquote(raw);
    const escaped = quote === '"' && !bare;
    found.push({
      name: match[1] ?? "",
      value: escaped ? value.replace(/\\n/g, "\n").replace(/\\r/g, "\r") : value,
      bare,
    });
  }
  return found;
}

/** The value of a variable (its last definition, as dotenv reads it); undefined when it has none. */
export function readVariable(env: string | null | undefined, name: string): string | undefined {
  let value: string | undefined;
  for (const line of linesOf(env ?? "").lines) {
    const match = definition(name).exec(line);
    if (match) value = unquote(match[1] ?? "");
  }
  return value;
}

/**
 * The text with each variable set: its definitions replaced where they are, else added at the
 * end. A value of undefined removes the variable's lines (to put back an env that did not have it).
 */
export function setVariables(
  env: string | null | undefined,
  values: Readonly<Record<string, string | undefined>>,
): string {
  const { lines, eol } = linesOf(env ?? "");
  const done = new Set<string>();
  const out: string[] = [];
  for (const line of lines) {
    const name = Object.keys(values).find((n) => definition(n).test(line));
    if (name === undefined) {
      out.push(line);
      continue;
    }
    const value = values[name];
    if (value !== undefined) out.push(`${name}=${value}`);
    done.add(name);
  }
  const added = Object.entries(values).flatMap(([name, value]) =>
    done.has(name) || value === undefined ? [] : [`${name}=${value}`],
  );
  if (added.length === 0) return out.join(eol);
  // Keep a final newline where there was one, and add ours before it.
  const endsWithNewline = out.length > 0 && out.at(-1) === "";
  const body = endsWithNewline ? out.slice(0, -1) : out;
  return [...body, ...added, ...(endsWithNewline ? [""] : [])].join(eol);
}
