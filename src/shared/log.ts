import { secretForms } from "./secret-forms";

/** Where the core writes what a user reads. Adapters implement it for their CI. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Runs `fn` inside a collapsible section where the CI has one. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** The longest line printed (GitHub takes at most 1 MiB a line); longer ones are cut. */
export const LINE_LIMIT = 64 * 1024;
/** The longest warning or error message, all lines together. */
export const MESSAGE_LIMIT = 64 * 1024;

/** `text` cut to `limit` characters, saying how many were left out. */
export function cut(text: string, limit: number): string {
  if (text.length <= limit) return text;
  // Not between the two halves of a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(limit - 1)) ? limit - 1 : limit;
  return `${text.slice(0, end)}… (${String(text.length - end)} more characters)`;
}

/** Control characters (but tab): shown as \xNN, since they could hide text, move the cursor or start a CI's markers. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * The lines of a message as they may be printed on any CI: split at every line break (CR too),
 * control characters made visible, each line cut to `limit`.
 */
export function printableLines(message: string, limit = LINE_LIMIT): string[] {
  return message.split(/\r\n|\r|\n/).map((line) =>
    cut(
      line.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`),
      limit,
    ),
  );
}

/** A warning's or error's lines: the whole message cut to MESSAGE_LIMIT, then split. */
export function messageLines(message: string): string[] {
  return printableLines(cut(message, MESSAGE_LIMIT), Infinity);
}

const MASK = "***";

/** `forms` with those of `secret` added, longest first, so a form that contains another is masked whole. */
function withForms(forms: readonly string[], secret: string): string[] {
  return [...new Set([...forms, ...secretForms(secret)])].sort((a, b) => b.length - a.length);
}

/** Where the beginning of a secret's form at the end of `text` starts; text.length if none does. */
function edgeOf(text: string, forms: readonly string[]): number {
  let edge = text.length;
  for (const form of forms) {
    for (let k = Math.min(form.length - 1, text.length); k > 0; k--) {
      const at = text.length - k;
      if (at < edge && text.charCodeAt(at) === form.charCodeAt(0) && text.endsWith(form.slice(0, k))) {
        edge = at;
        break;
      }
    }
  }
  return edge;
}

/** Whose secrets a text is masked for: every one, or those of the inputs only. */
export type Scope = "all" | "inputs";

/**
 * Replaces every secret in a text with ***, in every form it may be printed in (see
 * secretForms). Secrets shorter than 4 characters are still masked: a short password is still
 * a password. There are two kinds: the inputs' secrets (add), and secrets read back from a
 * server (addFound: the pull password Dokploy keeps for an application), which may be a common
 * word; a value the run made from the inputs alone is masked for the inputs' secrets only.
 */
export class Redactor {
  private inputForms: string[] = [];
  private forms: string[] = [];

  add(secret: string | undefined | null): void {
    if (!secret) return;
    this.inputForms = withForms(this.inputForms, secret);
    this.forms = withForms(this.forms, secret);
  }

  addFound(secret: string | undefined | null): void {
    if (!secret) return;
    this.forms = withForms(this.forms, secret);
  }

  redact(text: string, scope: Scope = "all"): string {
    let out = text;
    for (const form of scope === "all" ? this.forms : this.inputForms) {
      if (out.includes(form)) out = out.split(form).join(MASK);
    }
    return out;
  }

  /**
   * `text` masked, then cut to `limit` (as cut does): never cut first, which would leave the
   * beginning of a secret that runs across the cut.
   */
  cut(text: string, limit: number): string {
    return cut(this.redact(text), limit);
  }

  /**
   * A text that is the beginning of a longer one, the rest not seen: masked, and the beginning
   * of a secret at its end masked as well (even a single character: it is at the edge).
   */
  redactCutOff(text: string): string {
    // Found in the text as it is (masking first would break a form up); cut there until no
    // form begins at the end (a whole form that ran across the edge then does).
    let kept = text;
    for (let edge = edgeOf(kept, this.forms); edge < kept.length; edge = edgeOf(kept, this.forms)) {
      kept = kept.slice(0, edge);
    }
    return kept.length < text.length ? `${this.redact(kept)}${MASK}` : this.redact(text);
  }

  /** A copy of a value (object, array, string) with every string in it redacted. */
  redactAll<T>(value: T, scope: Scope = "all"): T {
    if (typeof value === "string") return this.redact(value, scope) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.redactAll(v, scope)) as T;
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactAll(v, scope)])) as T;
    }
    return value;
  }
}

/** Wraps a logger so nothing it prints can hold a secret. */
export function redactingLogger(inner: Logger, redactor: Redactor): Logger {
  return {
    debug: (m) => {
      inner.debug(redactor.redact(m));
    },
    info: (m) => {
      inner.info(redactor.redact(m));
    },
    warn: (m) => {
      inner.warn(redactor.redact(m));
    },
    error: (m) => {
      inner.error(redactor.redact(m));
    },
    group: (title, fn) => inner.group(redactor.redact(title), fn),
  };
}
