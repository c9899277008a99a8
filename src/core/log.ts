/** Where the core writes what a user reads. Adapters implement it for their CI. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Runs `fn` inside a collapsible section where the CI has one. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

const MASK = "***";

/**
 * Replaces every secret in a text with ***. Secrets shorter than 4 characters are still
 * masked: a short password is still a password.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined | null): void {
    if (!secret) return;
    this.secrets.add(secret);
    // Docker config and Basic auth carry base64 forms of a secret; mask those too.
    this.secrets.add(Buffer.from(secret, "utf8").toString("base64"));
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) this.secrets.add(encoded);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(secret).join(MASK);
    }
    return out;
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
