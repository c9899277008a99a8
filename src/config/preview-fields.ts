/** The field parsers of preview-ttl, preview-limit and preview-number (the rules between the preview inputs: preview.ts). */

const DAY = 86_400;
const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: DAY };

/** A preview's age limit: seconds, or with a unit up to days (7d); at most a year. */
export function parseTtl(v: string): number {
  const text = v === "" ? "7d" : v;
  const match = /^(\d+(?:\.\d+)?)\s*([smhd])?$/.exec(text);
  if (!match) throw new Error(`"${v}" is not a duration; expected seconds (3600) or 90m, 12h, 7d`);
  const seconds = Number(match[1]) * (UNITS[match[2] ?? "s"] ?? 1);
  if (seconds <= 0 || seconds > 365 * DAY)
    throw new Error(`"${v}" is out of range; expected more than 0 and at most 365d`);
  return seconds;
}

/** How many previews may be open at once; 0: no limit. */
export function parseLimit(v: string): number {
  if (v === "") return 10;
  if (!/^\d+$/.test(v) || Number(v) > 1000) {
    throw new Error(`"${v}" is not a number of previews; expected a whole number from 0 to 1000 (0: no limit)`);
  }
  return Number(v);
}

export function parseNumber(v: string): string | undefined {
  if (v === "") return undefined;
  if (!/^[1-9]\d{0,9}$/.test(v)) throw new Error(`"${v}" is not a pull request number; expected digits, e.g. 42`);
  return v;
}
