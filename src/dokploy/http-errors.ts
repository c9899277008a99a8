import type { Redactor } from "../shared/log";
import type { Input } from "./types";
import { OLDEST_SUPPORTED } from "./version";

/*
 * Dokploy's error answers, read (both transports' shapes) and put into sentences a user can
 * act on.
 */

interface Issue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface ErrorBody {
  readonly message: string;
  readonly code?: string;
  readonly issues: readonly Issue[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseIssues(value: unknown): Issue[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((i) => ({
    path: Array.isArray(i.path) ? (i.path as (string | number)[]) : [],
    message: typeof i.message === "string" ? i.message : "invalid",
  }));
}

/** The longest part of an error body shown when it has no message of its own. */
const SHOWN_BODY = 300;

/**
 * Message and zod issues of an error body of either transport; the body's start when it is
 * not one (not JSON, or JSON nested too deep to go through). What is shown of a body without
 * a message is masked before it is cut, so a secret that runs across the cut shows nothing.
 */
export function parseErrorBody(text: string, redactor?: Redactor): ErrorBody {
  const shown = (part: string) => (redactor ? redactor.cut(part, SHOWN_BODY) : part.slice(0, SHOWN_BODY));
  try {
    return readErrorBody(JSON.parse(text), shown);
  } catch {
    return { message: shown(text.trim()), issues: [] };
  }
}

function readErrorBody(body: unknown, shown: (part: string) => string): ErrorBody {
  if (!isRecord(body)) return { message: shown(String(body)), issues: [] };
  // tRPC: {"error":{"json":{message, code, data:{code, zodError}}}}
  const trpc = isRecord(body.error) && isRecord(body.error.json) ? body.error.json : undefined;
  if (trpc) {
    const message = typeof trpc.message === "string" ? trpc.message : "";
    const data = isRecord(trpc.data) ? trpc.data : {};
    let issues: Issue[] = [];
    if (data.zodError) {
      try {
        issues = parseIssues(JSON.parse(message));
      } catch {
        issues = [];
      }
    }
    return { message, code: typeof data.code === "string" ? data.code : undefined, issues };
  }
  // OpenAPI: {message, code, issues?}
  return {
    message: typeof body.message === "string" ? body.message : shown(JSON.stringify(body)),
    code: typeof body.code === "string" ? body.code : undefined,
    issues: parseIssues(body.issues),
  };
}

/** The key of the first *Id in an input, to say which id was not found. */
function idOf(input: Input | undefined): [string, string] | undefined {
  if (!input) return undefined;
  for (const [key, value] of Object.entries(input)) {
    if (key.endsWith("Id") && typeof value === "string") return [key, value];
  }
  return undefined;
}

const INPUT_OF_ID: Record<string, string> = {
  applicationId: "application-id: it takes an application's ID; a compose service's goes in compose-id",
  composeId: "compose-id: it takes a compose service's ID; an application's goes in application-id",
  serverId: "server-id",
};

/** What a redirect says about dokploy-url: where it leads, and the base URL that is likely meant. */
function describeRedirect(where: string, location: string | undefined, baseUrl: string): string {
  if (!location) return `${where}: a redirect without a location. Set dokploy-url to the base URL Dokploy answers on.`;
  let likely = "";
  try {
    const target = new URL(location, baseUrl);
    const base = `${target.origin}${target.pathname.replace(/\/api\/.*$/, "").replace(/\/+$/, "")}`;
    const https = target.protocol === "https:" && baseUrl.startsWith("http:") ? " (https://, not http://)" : "";
    likely = `, here probably ${base}${https}`;
  } catch {
    likely = "";
  }
  return `${where}: Dokploy answered with a redirect to ${location}, which is not followed (the API key would go along). Set dokploy-url to the base URL Dokploy answers on${likely}.`;
}

/** A sentence a user can act on, for an HTTP error of a procedure. */
export function describeHttpError(
  procedure: string,
  status: number,
  body: ErrorBody,
  input: Input | undefined,
  baseUrl: string,
  location?: string,
): string {
  const where = `Dokploy ${procedure} (HTTP ${String(status)})`;
  if (status >= 300 && status < 400) return describeRedirect(where, location, baseUrl);
  switch (status) {
    case 401:
      return (
        `${where}: the API key was not accepted. The key in dokploy-api-key is wrong, expired, ` +
        `rate-limited (keys created with rate limiting allow only a few requests a day), or not tied ` +
        `to an organisation (create it in Dokploy's UI under Settings > Profile > API/CLI).`
      );
    case 403:
      return `${where}: forbidden: ${body.message || "no permission"}. The API key's user needs the permission for this call (owners and admins have it).`;
    case 400:
      if (body.issues.length > 0) {
        const list = body.issues
          .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(input)"}: ${i.message}`)
          .join("; ");
        return `${where}: the server rejected the input: ${list}`;
      }
      return `${where}: ${body.message || "bad request"}`;
    case 404: {
      if (body.code === "NOT_FOUND" && /not found$/i.test(body.message) && body.message !== "Not found") {
        const id = idOf(input);
        const hint = id
          ? ` (${id[0]} "${id[1]}"${INPUT_OF_ID[id[0]] ? `; check ${INPUT_OF_ID[id[0]] ?? ""}` : ""})`
          : "";
        return `${where}: ${body.message}${hint} on ${baseUrl}.`;
      }
      return `${where}: ${body.message || "not found"}: this procedure does not exist at ${baseUrl}. Is dokploy-url the base URL of a Dokploy server (${OLDEST_SUPPORTED} or newer)?`;
    }
    case 405:
    case 415:
      return `${where}: ${body.message}. This Dokploy version does not accept the call as sent; try the other dokploy-api transport (trpc or openapi).`;
    case 429:
      return `${where}: too many requests${body.message ? `: ${body.message}` : ""}.`;
    default:
      return `${where}: ${body.message || "server error"}`;
  }
}
