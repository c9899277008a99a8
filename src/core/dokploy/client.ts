import { request, type Dispatcher } from "undici";
import { DokployError, errorMessage } from "../errors";
import type { Logger, Redactor } from "../log";
import { DEFAULT_RETRY, type RetryPolicy, type RetryPorts, withRetry } from "../retry";

export type Transport = "trpc" | "openapi";
export type ProcedureKind = "query" | "mutation";
export type Input = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface DokployClientOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly transport: Transport;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** HTTP connection pool; one for the whole run keeps the connection alive. */
  readonly dispatcher?: Dispatcher;
  /** Per-request limit. */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** Clock and sleep for retries; without them nothing is retried. */
  readonly retryPorts?: RetryPorts;
  /** Ends requests in flight when the run is cancelled. */
  readonly signal?: AbortSignal;
}

export interface CallOptions {
  /** Retry on network errors and 429/502/503/504. Queries always are; mutations only when safe. */
  readonly retry?: boolean;
}

interface Issue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

interface ErrorBody {
  readonly message: string;
  readonly code?: string;
  readonly issues: readonly Issue[];
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/** Statuses that say the request was not carried out. */
const NOT_PROCESSED_STATUS = new Set([429]);
/** Connection errors that happen before a request is sent. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseIssues(value: unknown): Issue[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((i) => ({
    path: Array.isArray(i.path) ? (i.path as (string | number)[]) : [],
    message: typeof i.message === "string" ? i.message : "invalid",
  }));
}

/** Message and zod issues of an error body of either transport. */
export function parseErrorBody(text: string): ErrorBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { message: text.trim().slice(0, 300), issues: [] };
  }
  if (!isRecord(body)) return { message: String(body).slice(0, 300), issues: [] };
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
    message: typeof body.message === "string" ? body.message : JSON.stringify(body).slice(0, 300),
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
  applicationId: "application-id",
  composeId: "compose-id",
  serverId: "server-id",
};

/** A sentence a user can act on, for an HTTP error of a procedure. */
export function describeHttpError(
  procedure: string,
  status: number,
  body: ErrorBody,
  input: Input | undefined,
  baseUrl: string,
): string {
  const where = `Dokploy ${procedure} (HTTP ${String(status)})`;
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
      return `${where}: ${body.message || "not found"}: this procedure does not exist at ${baseUrl}. Is dokploy-url the base URL of a Dokploy server (v0.25 or newer)?`;
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

/** Client for Dokploy's API over tRPC or OpenAPI, as dokploy-api.md describes them. */
export class DokployClient {
  constructor(private readonly options: DokployClientOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  query<T = unknown>(procedure: string, input?: Input): Promise<T> {
    return this.withRetries(true, procedure, () => this.call<T>("query", procedure, input));
  }

  mutation<T = unknown>(procedure: string, input: Input, options: CallOptions = {}): Promise<T> {
    return this.withRetries(options.retry ?? false, procedure, () => this.call<T>("mutation", procedure, input));
  }

  private withRetries<T>(retry: boolean, procedure: string, fn: () => Promise<T>): Promise<T> {
    const { retryPorts } = this.options;
    if (!retry || !retryPorts) return fn();
    return withRetry(`Dokploy ${procedure}`, this.options.retry ?? DEFAULT_RETRY, retryPorts, fn);
  }

  private url(kind: ProcedureKind, procedure: string, input: Input | undefined): string {
    const { baseUrl, transport } = this.options;
    if (transport === "trpc") {
      const base = `${baseUrl}/api/trpc/${procedure}`;
      if (kind === "mutation" || input === undefined) return base;
      return `${base}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
    }
    const base = `${baseUrl}/api/${procedure}`;
    if (kind === "mutation" || input === undefined) return base;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(input)) {
      if (value !== undefined && value !== null) params.set(key, String(value));
    }
    return `${base}?${params.toString()}`;
  }

  private body(input: Input): string {
    return JSON.stringify(this.options.transport === "trpc" ? { json: input } : input);
  }

  /** The value of a 200 answer of either transport; undefined for a void procedure. */
  private decode(procedure: string, text: string): unknown {
    if (this.options.transport === "openapi" && text.trim() === "") return undefined;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new DokployError(
        procedure,
        200,
        `Dokploy ${procedure}: the answer is not JSON (it starts with ${JSON.stringify(text.slice(0, 40))}). Is dokploy-url the base URL of the Dokploy server, without a path such as /dashboard?`,
      );
    }
    if (this.options.transport === "openapi") return body;
    const data = isRecord(body) && isRecord(body.result) && isRecord(body.result.data) ? body.result.data : undefined;
    if (!data || !("json" in data)) {
      throw new DokployError(procedure, 200, `Dokploy ${procedure}: unexpected answer without result.data.json`);
    }
    return data.json;
  }

  private async call<T>(kind: ProcedureKind, procedure: string, input: Input | undefined): Promise<T> {
    const { apiKey, logger, redactor, dispatcher, timeoutMs = 30_000 } = this.options;
    const url = this.url(kind, procedure, input);
    const method = kind === "query" ? "GET" : "POST";
    const headers: Record<string, string> = { "x-api-key": apiKey, accept: "application/json" };
    if (method === "POST") headers["content-type"] = "application/json";
    const started = Date.now();
    let status: number;
    let text: string;
    try {
      const response = await request(url, {
        method,
        headers,
        body: method === "POST" ? this.body(input ?? {}) : undefined,
        dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: this.options.signal
          ? AbortSignal.any([this.options.signal, AbortSignal.timeout(timeoutMs)])
          : AbortSignal.timeout(timeoutMs),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      const code = isRecord(error) && typeof error.code === "string" ? error.code : undefined;
      const timedOut =
        (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) ||
        code === "UND_ERR_HEADERS_TIMEOUT" ||
        code === "UND_ERR_BODY_TIMEOUT";
      const reason = timedOut
        ? `no answer within ${String(Math.round(timeoutMs / 1000))} s`
        : `${code ? `${code}: ` : ""}${errorMessage(error)}`;
      throw new DokployError(
        procedure,
        undefined,
        redactor.redact(`Could not reach Dokploy at ${this.options.baseUrl} (${procedure}): ${reason}`),
        timedOut || code === undefined || NETWORK_CODES.has(code),
        !(code !== undefined && NOT_SENT_CODES.has(code)),
      );
    }
    logger.debug(`${method} ${url.split("?")[0] ?? url} -> ${String(status)} in ${String(Date.now() - started)} ms`);
    if (status < 200 || status >= 300) {
      const message = describeHttpError(procedure, status, parseErrorBody(text), input, this.options.baseUrl);
      const retryable = RETRYABLE_STATUS.has(status);
      throw new DokployError(
        procedure,
        status,
        redactor.redact(message),
        retryable,
        retryable && !NOT_PROCESSED_STATUS.has(status),
      );
    }
    return this.decode(procedure, text) as T;
  }
}
