/**
 * Field parsers: each gets the trimmed raw text of one input and throws an Error saying what is
 * expected. input-parsers.ts puts them together, one per input.
 */
import type { Credentials, TargetKind } from "./types";

/** An input's parser: the value trimmed (absent is empty); throws an Error saying what is wrong. */
export function field<T>(parse: (value: string) => T): (raw: string | undefined) => T {
  return (raw) => parse((raw ?? "").trim());
}

export function optionalText() {
  return field((v) => (v === "" ? undefined : v));
}

/** true, false, or undefined when empty. */
function parseBoolean(v: string): boolean | undefined {
  const lower = v.toLowerCase();
  if (lower === "") return undefined;
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw new Error(`"${v}" is not a boolean; expected true or false`);
}

export function boolean(fallback: boolean) {
  return field((v) => parseBoolean(v) ?? fallback);
}

/** true, false, or empty: decided by the CI event. */
export function maybeBoolean() {
  return field(parseBoolean);
}

export function choice<T extends string>(options: readonly T[], fallback: T) {
  return field((v) => {
    if (v === "") return fallback;
    const found = options.find((o) => o === v.toLowerCase());
    if (!found) throw new Error(`"${v}" is not one of ${options.join(", ")}`);
    return found;
  });
}

/** Lists: one item a line; `commas` also splits on commas (for values that never hold one). */
export function splitList(value: string, commas: boolean): string[] {
  const parts = value.split(commas ? /[\n,]/ : /\n/);
  return parts.map((p) => p.trim()).filter((p) => p !== "" && !p.startsWith("#"));
}

export function list(commas: boolean, check?: (item: string) => void) {
  return field((v) => {
    const items = splitList(v, commas);
    if (check) items.forEach(check);
    return items;
  });
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function variableName(fallback: string) {
  return field((v) => {
    if (v === "") return fallback;
    if (!VARIABLE.test(v)) {
      throw new Error(`"${v}" is not a variable name; expected letters, digits and _, e.g. ${fallback}`);
    }
    return v;
  });
}

const APPLICATION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** A list of ids of Dokploy services, each once. */
export function ids(kind: TargetKind) {
  const each = list(true, (id) => {
    if (!APPLICATION_ID.test(id)) {
      throw new Error(
        `"${id}" is not ${kind === "application" ? "an application" : "a compose"} ID; expected letters, digits, _ and - (as in the ${kind}'s URL in Dokploy)`,
      );
    }
  });
  return (raw: string | undefined): string[] => {
    const items = each(raw);
    const twice = items.find((id, i) => items.indexOf(id) !== i);
    if (twice !== undefined) throw new Error(`names "${twice}" twice`);
    return items;
  };
}

export function parseDuration(v: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(v);
  if (!match) throw new Error(`"${v}" is not a duration; expected seconds (600) or 90s, 10m, 1h`);
  const unit = match[2] === "h" ? 3600 : match[2] === "m" ? 60 : 1;
  const seconds = Number(match[1]) * unit;
  if (seconds <= 0 || seconds > 6 * 3600) {
    throw new Error(`"${v}" is out of range; expected more than 0 and at most 6h`);
  }
  return seconds;
}

/** A duration that may also be 0 (or empty): off. */
export function parseDurationOrOff(v: string): number {
  if (v === "" || /^0+(\.0*)?\s*[smh]?$/.test(v)) return 0;
  return parseDuration(v);
}

export function parseApiKey(v: string): string {
  if (v === "") throw new Error("is required; expected a Dokploy API key");
  const bad = [...v].findIndex((c) => !/^[\x21-\x7e]$/.test(c));
  if (bad >= 0) {
    // The character itself is part of the secret: say where it is, not what it is.
    throw new Error(
      `character ${String(bad + 1)} cannot be sent in the x-api-key header (a space, a control character or a non-ASCII letter); expected the key as Dokploy shows it, printable ASCII only`,
    );
  }
  return v;
}

/**
 * A URL or address as it may be shown: everything from after the scheme up to the last @ masked,
 * since a password may hold / ? # or @ itself (typed without percent-encoding) and a URL that
 * does not parse has no user part to find. An @ in a path makes it mask too much, never too little.
 */
export function withoutCredentials(text: string): string {
  const at = text.lastIndexOf("@");
  if (at < 0) return text;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? "";
  return `${scheme}***${text.slice(at)}`;
}

/** A digest at the end of an image name: its @ is no user part. */
const DIGEST_AT_END = /@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * A registry address or image name as given; an error (the password masked) when it holds a
 * user part (user:password@): docker takes credentials from registry-username and
 * registry-password, and an error quoting the value would show the password.
 */
export function withoutUserPart(v: string): string {
  const digest = DIGEST_AT_END.exec(v)?.[0] ?? "";
  const name = v.slice(0, v.length - digest.length);
  if (!name.includes("@")) return v;
  throw new Error(
    `"${withoutCredentials(name)}${digest}" must not contain credentials (user:password@); set registry-username and registry-password`,
  );
}

/** The health URL without credentials, and the credentials (sent as Basic auth) if it had some. */
export function parseHealthUrl(v: string): { url: string; credentials?: Credentials } | undefined {
  if (v === "") return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new Error(`"${withoutCredentials(v)}" is not a URL; expected http(s)://host/path`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`"${withoutCredentials(v)}" must start with https:// or http://`);
  if (!url.username && !url.password) return { url: v };
  const credentials = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = "";
  url.password = "";
  return { url: url.toString(), credentials };
}

/** A URL GitHub shows to everyone who can read the repository: http(s), no credentials. */
export function parseEnvironmentUrl(v: string): string | undefined {
  if (v === "") return undefined;
  const safe = withoutCredentials(v);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new Error(`"${safe}" is not a URL; expected http(s)://host/path`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`"${safe}" must start with https:// or http://`);
  if (url.username || url.password)
    throw new Error(`"${safe}" must not contain credentials: GitHub shows it to readers`);
  return v;
}

export function parseRequestTimeout(v: string): number {
  if (v === "") return 30;
  const seconds = parseDuration(v);
  if (seconds < 1) {
    throw new Error(
      `"${v}" is too short; expected at least 1 s (a Dokploy call takes tens of milliseconds on an idle server, seconds on a busy one)`,
    );
  }
  return seconds;
}

export function parseDokployUrl(v: string): string {
  if (v === "") return "";
  const shown = withoutCredentials(v);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new Error(`"${shown}" is not a URL; expected http(s)://host[:port], e.g. https://dokploy.example.com`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`"${shown}" must start with https:// or http://`);
  }
  if (!/^https?:\/\//i.test(v)) {
    throw new Error(`"${shown}" is not a URL; expected http(s)://host[:port], e.g. https://dokploy.example.com`);
  }
  if (url.search || url.hash || url.username || url.password) {
    const origin = url.username || url.password ? `${url.protocol}//***@${url.host}` : url.origin;
    throw new Error(`"${origin}..." must not contain credentials, a query or a fragment`);
  }
  const path = url.pathname.replace(/\/+$/, "").replace(/\/api$/, "");
  return `${url.origin}${path}`;
}
