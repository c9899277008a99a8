/**
 * The forms a secret can be printed in: as it is; JSON-escaped (a server echoing a request
 * body, once or twice, with or without \uXXXX for non-ASCII); URL-encoded (upper or lower
 * case hex, %20 or +); base64 and base64url, alone or inside a longer base64 text such as a
 * Basic auth header (user:secret) or a docker config's auth; and each line of a multi-line
 * secret (a JSON key file printed line by line); HTML-escaped (an error page echoing the
 * request: &amp; &lt; &gt;, quotes as &quot; and &#39;, &#x27; or &apos;, or left as they are),
 * also of the JSON-escaped form (a page echoing a JSON body).
 */

/** Lines of a multi-line secret shorter than this (e.g. "{", "}") say nothing and are not masked. */
const MIN_LINE = 4;
/** Parts of a longer base64 text shorter than this are too likely to occur by chance. */
const MIN_BASE64_PART = 6;

function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function asciiJsonEscaped(text: string): string {
  return jsonEscaped(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The HTML-escaped forms of a text: & < > always escaped; quotes in each way pages do it, or not. */
function htmlForms(text: string): string[] {
  const base = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const quoted = base.replace(/"/g, "&quot;");
  return [base, ...["&#39;", "&#x27;", "&apos;"].map((apostrophe) => quoted.replace(/'/g, apostrophe))];
}

function urlForms(text: string): string[] {
  const encoded = encodeURIComponent(text);
  return [
    encoded,
    encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    new URLSearchParams({ s: text }).toString().slice(2),
    encodeURI(text),
  ];
}

function base64Url(base64: string): string {
  return base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * The base64 of the bytes, and the characters that depend on them alone when they stand at
 * any of the three offsets inside a longer base64 text.
 */
function base64Forms(bytes: Buffer): string[] {
  const whole = bytes.toString("base64");
  const forms = [whole, whole.replace(/=+$/, ""), base64Url(whole)];
  for (let offset = 0; offset < 3; offset++) {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const part = text.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    if (part.length >= MIN_BASE64_PART) forms.push(part, base64Url(part));
  }
  return forms;
}

/** Every form of `secret` worth masking, without duplicates or empty strings. */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const escaped = jsonEscaped(secret);
  const ascii = asciiJsonEscaped(secret);
  const asciiUpper = ascii.replace(/\\u[0-9a-f]{4}/g, (u) => `\\u${u.slice(2).toUpperCase()}`);
  for (const form of [escaped, jsonEscaped(escaped), ascii, asciiUpper, ...urlForms(secret)]) forms.add(form);
  for (const form of [...htmlForms(secret), ...htmlForms(escaped)]) forms.add(form);
  for (const form of base64Forms(Buffer.from(secret, "utf8"))) forms.add(form);
  const lines = secret.split(/\r\n|\r|\n/);
  if (lines.length > 1) {
    for (const line of lines) {
      const trimmed = line.trim();
      if (trimmed.length >= MIN_LINE) forms.add(trimmed);
    }
  }
  forms.delete("");
  return [...forms];
}
