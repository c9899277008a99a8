/** What a health check is asked to do: the health-* inputs, parsed. */
export interface HealthCheck {
  /** Without credentials: they are in `credentials`, sent as Basic auth. */
  readonly url: string;
  readonly credentials?: { readonly username: string; readonly password: string };
  /** Accepted statuses, e.g. [[200, 299]]. */
  readonly statuses: readonly (readonly [number, number])[];
  /** A string the body must contain. */
  readonly contains?: string;
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

/** Parses health-status: "2xx", "200", "200-399", or a comma list of those. */
export function parseStatuses(text: string): [number, number][] {
  return text.split(",").map((part) => {
    const p = part.trim().toLowerCase();
    const xx = /^([1-5])xx$/.exec(p);
    if (xx) return [Number(xx[1]) * 100, Number(xx[1]) * 100 + 99];
    const range = /^(\d{3})(?:-(\d{3}))?$/.exec(p);
    if (!range) throw new Error(`"${part.trim()}" is not a status; expected e.g. 2xx, 200, 200-399`);
    const from = Number(range[1]);
    const to = Number(range[2] ?? range[1]);
    if (from < 100 || to > 599 || to < from)
      throw new Error(`"${part.trim()}" is not a status range between 100 and 599`);
    return [from, to];
  });
}
