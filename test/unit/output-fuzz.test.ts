/**
 * The redactor and the output path over generated secrets and text: quotes, regex specials,
 * line breaks, unicode (also characters .NET skips when comparing), %, spaces, control
 * characters, and 4 KB secrets. Whatever the text, the runner must show no form of a secret and
 * obey no command but the logger's own; GitLab and plain logs must show no form of a secret.
 * Forms include the HTML-escaped one (an error page), and texts cut through a secret (an error
 * body cut to 300 characters, a log line to 4,096) show no beginning of it.
 */
import { describe, expect, it } from "vitest";
import { gitlabLogger, plainLogger } from "../../src/cli/log";
import { githubLogger } from "../../src/github/commands";
import { readRunnerLog } from "../support/workflow-commands";
import { type Logger, Redactor, redactingLogger } from "./imports";

/** mulberry32: a seeded generator, so a failure can be replayed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  ...("\"'`\\/.*+?^$" + "{}()|[]"),
  "\n",
  "\r\n",
  "\r",
  " ",
  "\t",
  "%",
  "%0A",
  "%25",
  "::",
  "##[",
  "é",
  "ñ",
  "😀",
  "\u200b",
  "\u00ad",
  "\u2028",
  "\u0085",
  "\u202e",
  "\u001b[31m",
  "\u0000",
  "=",
  "&",
  "@",
  ":",
];

function text(random: () => number, length: number): string {
  let out = "";
  while (out.length < length) out += PIECES[Math.floor(random() * PIECES.length)] ?? "";
  return out;
}

function secret(random: () => number): string {
  const length = random() < 0.1 ? 4096 : 6 + Math.floor(random() * 58);
  // Inputs are trimmed: a secret never starts or ends with white space.
  let value = text(random, length).trim();
  while (value.length < 6) value += text(random, 6).trim();
  return value;
}

/** The HTML escape of a text, as an error page echoing it would print it. */
function html(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** The forms a leak would take, computed here on their own (not by the code under test). */
function leakForms(value: string): string[] {
  const forms = [
    value,
    JSON.stringify(value).slice(1, -1),
    html(value),
    html(JSON.stringify(value).slice(1, -1)),
    encodeURIComponent(value),
    Buffer.from(value).toString("base64"),
    Buffer.from(`user:${value}`).toString("base64"),
  ];
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r\n|\r|\n/)) if (line.trim().length >= 4) forms.push(line.trim());
  }
  return forms.filter((f) => f.length >= 4);
}

/** A message holding the secret in some form, among generated text. */
function message(random: () => number, value: string): string {
  const forms = [
    value,
    JSON.stringify({ password: value }),
    `https://host/?p=${encodeURIComponent(value)}`,
    `Authorization: Basic ${Buffer.from(`user:${value}`).toString("base64")}`,
    value.split(/\r\n|\r|\n/).join("\n│ "),
    `<pre>${html(value)}</pre>`,
    `<p>${html(JSON.stringify({ password: value }))}</p>`,
  ];
  const form = forms[Math.floor(random() * forms.length)] ?? value;
  return `${text(random, Math.floor(random() * 40))}${form}${text(random, Math.floor(random() * 40))}`;
}

type Level = "debug" | "info" | "warn" | "error" | "group";
const LEVELS: Level[] = ["debug", "info", "warn", "error", "group"];

async function say(logger: Logger, level: Level, m: string): Promise<void> {
  if (level === "group") await logger.group(m, () => Promise.resolve());
  else logger[level](m);
}

describe("fuzz: redactor and output path", () => {
  it("GitHub: no form of a secret is shown, and only the logger's own commands are obeyed", async () => {
    const random = generator(20261123);
    for (let round = 0; round < 300; round++) {
      const value = secret(random);
      const redactor = new Redactor();
      redactor.add(value);
      const lines: string[] = [];
      const tokens: string[] = [];
      const inner = githubLogger(
        (l) => lines.push(l),
        true,
        () => {
          tokens.push(`t${String(round)}x${String(tokens.length)}`);
          return tokens.at(-1) ?? "";
        },
      );
      const logger = redactingLogger(inner, redactor);
      const said: Level[] = [];
      for (let i = 0; i < 8; i++) {
        const level = LEVELS[Math.floor(random() * LEVELS.length)] ?? "info";
        said.push(level);
        await say(logger, level, message(random, value));
      }
      const stdout = lines.join("\n");
      const log = readRunnerLog(stdout);
      const expected = said.flatMap((l) =>
        l === "group" ? ["group", "endgroup"] : l === "info" ? [] : [l === "warn" ? "warning" : l],
      );
      expect(
        log.commands.map((c) => c.command),
        `round ${String(round)}`,
      ).toEqual(expected);
      const shown = [...log.plain, ...log.commands.map((c) => c.data)].join("\n");
      for (const form of leakForms(value)) expect(shown.includes(form), `round ${String(round)}: ${form}`).toBe(false);
      // A line from the data that starts with :: is printed only while commands are stopped.
      let stopped: string | undefined;
      for (const line of lines) {
        if (stopped !== undefined) {
          if (line === `::${stopped}::`) stopped = undefined;
          continue;
        }
        const token = /^::stop-commands::(.+)$/.exec(line)?.[1];
        if (token) {
          expect(tokens).toContain(token);
          stopped = token;
          continue;
        }
        // Outside a stopped block, a line is one of the logger's own commands or holds no command at all.
        if (!/^::(debug|warning|error|group|endgroup)::/.test(line)) {
          expect(/^[\s\u0085]*::/.test(line) || line.includes("##["), line).toBe(false);
        }
      }
    }
  });

  it.each([
    ["GitLab", (w: (l: string) => void) => gitlabLogger(w, true, () => 0)],
    ["plain", (w: (l: string) => void) => plainLogger(w, true)],
  ])("%s: no form of a secret is printed, and no raw control character", async (_name, make) => {
    const random = generator(7);
    for (let round = 0; round < 200; round++) {
      const value = secret(random);
      const redactor = new Redactor();
      redactor.add(value);
      const lines: string[] = [];
      const logger = redactingLogger(
        make((l) => lines.push(l)),
        redactor,
      );
      for (let i = 0; i < 8; i++) {
        await say(logger, LEVELS[Math.floor(random() * LEVELS.length)] ?? "info", message(random, value));
      }
      const printed = lines.join("\n");
      for (const form of leakForms(value))
        expect(printed.includes(form), `round ${String(round)}: ${form}`).toBe(false);
      // The logger's own colours and section markers aside, nothing from the data moves the cursor.
      // eslint-disable-next-line no-control-regex -- the logger's own escape sequences are what is removed
      const data = printed.replace(/\u001b\[[0-9;]*[mK]|section_(start|end):\d+:\w+\r/g, "");
      // eslint-disable-next-line no-control-regex -- control characters are what must not be there
      expect(data).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    }
  });

  it("a text cut through a secret shows no beginning of it: masked before the cut, or its edge masked", () => {
    const random = generator(20261207);
    for (let round = 0; round < 400; round++) {
      const value = secret(random);
      const redactor = new Redactor();
      redactor.add(value);
      // The forms that are the secret alone (not a longer base64 text with the secret inside).
      const forms = [value, JSON.stringify(value).slice(1, -1), html(value), encodeURIComponent(value)];
      const form = forms[Math.floor(random() * forms.length)] ?? value;
      const before = text(random, Math.floor(random() * 40));
      const whole = `${before}${form}${text(random, 20)}`;
      // A cut somewhere inside the form: at least one of its characters before it, one after.
      const edge = before.length + 1 + Math.floor(random() * (form.length - 1));
      const cutOff = redactor.redactCutOff(whole.slice(0, edge));
      expect(cutOff.endsWith("***"), `round ${String(round)}: ${JSON.stringify(cutOff)}`).toBe(true);
      for (const out of [redactor.cut(whole, edge), cutOff]) {
        for (const f of forms) {
          expect(out.includes(f.slice(0, 6)), `round ${String(round)}: ${JSON.stringify(out)}`).toBe(false);
        }
      }
    }
  });
});
