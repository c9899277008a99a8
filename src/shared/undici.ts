/**
 * The parts of undici a run speaks HTTP with: the connection pool (Agent) and `request`, imported
 * by path. undici's index also loads fetch, WebSocket, the mocks and the caches: 1.2 MiB that
 * took ~130 ms to load, on the way to the Dokploy check the build waits for (bench section 9);
 * these parts take ~60. The live log's WebSocket loads undici whole, and only when it is used.
 */
import type { Dispatcher } from "undici";
import Agent from "undici/lib/dispatcher/agent.js";
import dispatchRequest from "undici/lib/api/api-request.js";

export { Agent };

export type RequestOptions = Omit<Dispatcher.RequestOptions, "origin" | "path" | "method"> & {
  readonly method?: Dispatcher.HttpMethod;
  /** The pool to send through; a pool of this module's own when absent. */
  readonly dispatcher?: Dispatcher;
};

let shared: Dispatcher | undefined;

/** undici's `request(url, options)`: the same answer, through `dispatcher` or a shared pool. */
export function request(url: string, options: RequestOptions = {}): Promise<Dispatcher.ResponseData> {
  const { dispatcher = (shared ??= new Agent()), ...rest } = options;
  const parsed = new URL(url);
  return dispatchRequest.call(dispatcher, {
    ...rest,
    origin: parsed.origin,
    path: `${parsed.pathname}${parsed.search}`,
    method: rest.method ?? "GET",
  });
}
