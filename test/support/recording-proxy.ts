/**
 * A transparent HTTP proxy on loopback in front of a live Dokploy that records which
 * procedures reached it (tRPC and OpenAPI paths), so a test can say what a run did NOT send.
 * WebSocket upgrades (the live log) are piped through untouched.
 */
import { type IncomingMessage, type Server, createServer, request } from "node:http";
import { type AddressInfo, type Socket, connect } from "node:net";

export interface ProxiedCall {
  /** e.g. "registry.all" */
  readonly procedure: string;
  readonly transport: "trpc" | "openapi";
  readonly status: number;
}

export interface RecordingProxy {
  readonly url: string;
  /** API calls in the order Dokploy answered them. */
  readonly calls: ProxiedCall[];
  /** Resolves once `check` holds for the calls so far (checked as answers come). */
  until(check: (calls: readonly ProxiedCall[]) => boolean): Promise<void>;
  stop(): Promise<void>;
}

function callOf(path: string, status: number): ProxiedCall {
  const route = path.split("?")[0] ?? "";
  const trpc = route.startsWith("/api/trpc/");
  return { procedure: route.replace(/^\/api\/(trpc\/)?/, ""), transport: trpc ? "trpc" : "openapi", status };
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const calls: ProxiedCall[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on("end", () => {
          if (!req.url?.startsWith("/api/")) return;
          calls.push(callOf(req.url, answer.statusCode ?? 0));
          for (const wake of waiters) wake();
        });
      },
    );
    forwarded.on("error", () => res.destroy());
    req.pipe(forwarded);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (req: IncomingMessage, client: Socket, head: Buffer) => {
    const socket = connect(Number(upstream.port), upstream.hostname, () => {
      const headers = Object.entries(req.headers).map(([name, value]) => `${name}: ${String(value)}`);
      socket.write(`${req.method ?? "GET"} ${req.url ?? "/"} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n`);
      socket.write(head);
      socket.pipe(client).pipe(socket);
    });
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => client.destroy());
    client.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    calls,
    until: (check) =>
      new Promise<void>((resolve) => {
        const wake = () => {
          if (!check(calls)) return;
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        wake();
      }),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
