import { describe, expect, it } from "vitest";
import { Redactor } from "./imports";

const SECRET = "pa\"ss\\wörd/+?&=%20 ñ<'>";

/** The HTML escape of a text, with `apostrophe` for '. */
function html(s: string, apostrophe: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, apostrophe);
}

function redactor(...secrets: string[]): Redactor {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return r;
}

/** base64 of `prefix + secret`, as in a Basic auth header or a docker config's auth. */
function basic(prefix: string, secret: string): string {
  return Buffer.from(`${prefix}${secret}`).toString("base64");
}

describe("Redactor: every form a secret can be printed in", () => {
  const forms: [string, (s: string) => string][] = [
    ["raw", (s) => s],
    ["JSON-escaped (a server echoing the request body)", (s) => JSON.stringify(s).slice(1, -1)],
    ["JSON-escaped twice (a JSON body inside a JSON message)", (s) => JSON.stringify(JSON.stringify(s)).slice(1, -1)],
    [
      "JSON-escaped with \\uXXXX for non-ASCII",
      (s) =>
        JSON.stringify(s)
          .slice(1, -1)
          .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
    ],
    [
      "JSON-escaped with upper-case \\uXXXX",
      (s) =>
        JSON.stringify(s)
          .slice(1, -1)
          .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`),
    ],
    ["URL-encoded", (s) => encodeURIComponent(s)],
    ["URL-encoded, lower-case hex", (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())],
    ["form-encoded (+ for space)", (s) => new URLSearchParams({ p: s }).toString().slice(2)],
    ["base64", (s) => Buffer.from(s).toString("base64")],
    ["base64url", (s) => Buffer.from(s).toString("base64url")],
    ["inside a Basic auth header (user:secret)", (s) => basic("user:", s)],
    ["inside base64, one byte in", (s) => basic("a", s)],
    ["inside base64, two bytes in", (s) => basic("ab", s)],
    ["inside base64, three bytes in", (s) => basic("abc", s)],
    ["inside base64, followed by more", (s) => Buffer.from(`${s}:and more`).toString("base64")],
    ["HTML-escaped (an error page echoing it)", (s) => html(s, "&#39;")],
    ["HTML-escaped, &#x27; for '", (s) => html(s, "&#x27;")],
    [
      "HTML-escaped, quotes left as they are",
      (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"),
    ],
    [
      "HTML-escaped JSON-escaped (an error page echoing a JSON body)",
      (s) => html(JSON.stringify(s).slice(1, -1), "&#39;"),
    ],
  ];

  it.each(forms)("masks the %s form", (_name, form) => {
    const printed = `before ${form(SECRET)} after`;
    const out = redactor(SECRET).redact(printed);
    expect(out).toContain("***");
    expect(out).not.toContain(form(SECRET));
    expect(out.startsWith("before ")).toBe(true);
  });

  it("masks each line of a multi-line secret printed on its own, but not lines that say nothing", () => {
    const key = JSON.stringify(
      { type: "service_account", private_key_id: "0123456789abcdef", private_key: "-----BEGIN KEY-----\nMIIE\n" },
      null,
      2,
    );
    const r = redactor(key);
    for (const line of key.split("\n")) {
      const out = r.redact(`│ ${line}`);
      if (line.trim().length >= 4) expect(out).toBe(`│ ${line.slice(0, line.length - line.trimStart().length)}***`);
      else expect(out).toBe(`│ ${line}`);
    }
  });

  it("masks short secrets too, the longest form first", () => {
    expect(redactor("ab").redact("xaby")).toBe("x***y");
    expect(redactor("abc", "abcdef").redact("abcdef abc")).toBe("*** ***");
  });

  it("masks every string in an object, deeply, and leaves the rest", () => {
    const r = redactor(SECRET);
    expect(r.redactAll({ a: SECRET, b: [1, `x${SECRET}`], c: { d: null, e: true } })).toEqual({
      a: "***",
      b: [1, "x***"],
      c: { d: null, e: true },
    });
  });
});

describe("Redactor: masking where a text is cut", () => {
  const KEY = "MARKER-0123456789abcdef";

  it("masks before it cuts: a secret across the cut shows none of its characters", () => {
    const out = redactor(KEY).cut(`${"x".repeat(295)}${KEY} after`, 300);
    expect(out.startsWith(`${"x".repeat(295)}***`)).toBe(true);
    expect(out).not.toContain("MARK");
  });

  it("masks the beginning of a secret at the end of a text whose rest was cut off", () => {
    const r = redactor(KEY);
    expect(r.redactCutOff(`line ${KEY.slice(0, 9)}`)).toBe("line ***");
    expect(r.redactCutOff(`line ${KEY} and M`)).toBe("line *** and ***");
    expect(r.redactCutOff("line that ends with no secret")).toBe("line that ends with no secret");
  });
});

describe("Redactor: secrets read back from a server", () => {
  it("masks them in text, but not in what is masked for the inputs' secrets only", () => {
    const r = redactor("input-secret");
    r.addFound("acme");
    expect(r.redact("ghcr.io/acme/web input-secret")).toBe("ghcr.io/***/web ***");
    expect(r.redact("ghcr.io/acme/web input-secret", "inputs")).toBe("ghcr.io/acme/web ***");
    expect(r.redactAll({ image: "ghcr.io/acme/web" }, "inputs")).toEqual({ image: "ghcr.io/acme/web" });
  });
});
