import type { Dispatcher } from "undici";
import { request } from "../shared/undici";
import { DokployError, connectionHint, errorCode, errorMessage } from "../shared/errors";
import { MiB, readBodyText } from "../shared/http-body";
import { linkedSignal } from "../shared/signals";
import { describeHttpError, isRecord, parseErrorBody } from "./http-errors";
import type { Logger, Redactor } from "../shared/log";
import { DEFAULT_RETRY, type RetryPolicy, type RetryPorts, withRetry } from "../shared/retry";

import type { Input, ProcedureKind, Transport } from "./types";

export type { Input, ProcedureKind, Transport } from "./types";
export { describeHttpError, parseErrorBody } from "./http-errors";

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
  /**
   * The most the call may take, its retries included: each request gets no more than what is
   * left of it (and no more than the request timeout).
   */
  readonly withinMs?: number;
}

/** The largest answer read: application.one of a big application is tens of kilobytes. */
export const ANSWER_LIMIT = 16 * MiB;
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

/** Client for Dokploy's API over tRPC or OpenAPI, as dokploy-api.md describes them. */
export class DokployClient {
  constructor(private readonly options: DokployClientOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  query<T = unknown>(procedure: string, input?: Input, options: Omit<CallOptions, "retry"> = {}): Promise<T> {
    return this.withRetries({ ...options, retry: true }, procedure, (limitMs) =>
      this.call<T>("query", procedure, input, limitMs),
    );
  }

  mutation<T = unknown>(procedure: string, input: Input, options: CallOptions = {}): Promise<T> {
    return this.withRetries(options, procedure, (limitMs) => this.call<T>("mutation", procedure, input, limitMs));
  }

  /** Runs the requests of a call, each with its time limit; retried when allowed, within the call's budget. */
  private withRetries<T>(options: CallOptions, procedure: string, fn: (limitMs: number) => Promise<T>): Promise<T> {
    const { retryPorts, timeoutMs = 30_000 } = this.options;
    const { withinMs } = options;
    const clock = retryPorts?.clock ?? (() => performance.now());
    const started = clock();
    // At least 1 ms: undici reads a time limit of 0 as none.
    const limit = () =>
      withinMs === undefined ? timeoutMs : Math.max(1, Math.floor(Math.min(timeoutMs, withinMs - (clock() - started))));
    const attempt = () => fn(limit());
    if (!options.retry || !retryPorts) return attempt();
    const policy = this.options.retry ?? DEFAULT_RETRY;
    // No retry starts once the budget is spent; the one that starts gets what is left of it.
    const within =
      withinMs === undefined ? policy : { ...policy, maxElapsedMs: Math.min(policy.maxElapsedMs, withinMs) };
    return withRetry(`Dokploy ${procedure}`, within, retryPorts, attempt);
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
  private decode(kind: ProcedureKind, procedure: string, text: string): unknown {
    if (this.options.transport === "openapi" && text.trim() === "") return undefined;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw this.unreadable(
        kind,
        procedure,
        200,
        `Dokploy ${procedure}: the answer is not JSON (it starts with ${JSON.stringify(this.options.redactor.cut(text, 40))}). Is dokploy-url the base URL of the Dokploy server, without a path such as /dashboard?`,
      );
    }
    if (this.options.transport === "openapi") return body;
    const data = isRecord(body) && isRecord(body.result) && isRecord(body.result.data) ? body.result.data : undefined;
    if (!data || !("json" in data)) {
      throw this.unreadable(kind, procedure, 200, `Dokploy ${procedure}: unexpected answer without result.data.json`);
    }
    return data.json;
  }

  /**
   * The error for an answer that cannot be read. To a mutation it says nothing of what Dokploy
   * did: the change may have been made, as when the answer is lost.
   */
  private unreadable(kind: ProcedureKind, procedure: string, status: number, message: string): DokployError {
    const mutation = kind === "mutation";
    const may = mutation ? ` Dokploy may have carried out ${procedure} all the same.` : "";
    return new DokployError(procedure, status, this.options.redactor.redact(`${message}${may}`), false, mutation);
  }

  /** The error for a request that got no answer: unreachable, reset, timed out, untrusted certificate. */
  private unreachable(procedure: string, error: unknown, limitMs: number): DokployError {
    const { redactor } = this.options;
    const code = errorCode(error);
    const timedOut =
      (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) ||
      code === "UND_ERR_HEADERS_TIMEOUT" ||
      code === "UND_ERR_BODY_TIMEOUT";
    const reason = timedOut
      ? `no answer within ${limitMs < 1000 ? `${String(limitMs)} ms` : `${String(Math.round(limitMs / 1000))} s`}`
      : `${code ? `${code}: ` : ""}${errorMessage(error)}${connectionHint(code)}`;
    return new DokployError(
      procedure,
      undefined,
      redactor.redact(`Could not reach Dokploy at ${this.options.baseUrl} (${procedure}): ${reason}`),
      timedOut || code === undefined || NETWORK_CODES.has(code),
      !(code !== undefined && NOT_SENT_CODES.has(code)),
    );
  }

  private async call<T>(kind: ProcedureKind, procedure: string, input: Input | undefined, limitMs: number): Promise<T> {
    const { apiKey, logger, dispatcher } = this.options;
    const url = this.url(kind, procedure, input);
    const method = kind === "query" ? "GET" : "POST";
    const headers: Record<string, string> = { "x-api-key": apiKey, accept: "application/json" };
    if (method === "POST") headers["content-type"] = "application/json";
    const started = Date.now();
    let status: number;
    let location: string | undefined;
    let body: { text: string; cut: boolean };
    // The limit covers the whole answer, body included; held here until the answer is read.
    const limit = linkedSignal([this.options.signal], limitMs);
    try {
      const response = await request(url, {
        method,
        headers,
        body: method === "POST" ? this.body(input ?? {}) : undefined,
        dispatcher,
        headersTimeout: limitMs,
        bodyTimeout: limitMs,
        signal: limit.signal,
      });
      status = response.statusCode;
      const header = response.headers.location;
      location = Array.isArray(header) ? header[0] : header;
      body = await readBodyText(response.body, ANSWER_LIMIT);
    } catch (error) {
      throw this.unreachable(procedure, error, limitMs);
    } finally {
      limit.release();
    }
    logger.debug(`${method} ${url.split("?")[0] ?? url} -> ${String(status)} in ${String(Date.now() - started)} ms`);
    try {
      return this.answer<T>(kind, procedure, input, { status, location, ...body });
    } catch (error) {
      if (error instanceof DokployError) throw error;
      // Whatever else reading it ran into (an answer nested too deep, say).
      const message = `Dokploy ${procedure} (HTTP ${String(status)}): the answer could not be read (${errorMessage(error)})`;
      throw this.unreadable(kind, procedure, status, message);
    }
  }

  /** The value of an answer, or the error it says. */
  private answer<T>(
    kind: ProcedureKind,
    procedure: string,
    input: Input | undefined,
    answer: { status: number; location: string | undefined; text: string; cut: boolean },
  ): T {
    const { status, text } = answer;
    if (answer.cut) {
      throw this.unreadable(
        kind,
        procedure,
        status,
        `Dokploy ${procedure}: the answer is larger than ${String(ANSWER_LIMIT / MiB)} MiB; stopped reading it. Is dokploy-url the base URL of the Dokploy server?`,
      );
    }
    if (status < 200 || status >= 300) {
      const { baseUrl, redactor } = this.options;
      const body = parseErrorBody(text, redactor);
      const message = describeHttpError(procedure, status, body, input, baseUrl, answer.location);
      const retryable = RETRYABLE_STATUS.has(status);
      throw new DokployError(
        procedure,
        status,
        redactor.redact(message),
        retryable,
        retryable && !NOT_PROCESSED_STATUS.has(status),
      );
    }
    return this.decode(kind, procedure, text) as T;
  }
}
