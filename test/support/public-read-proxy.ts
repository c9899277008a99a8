/**
 * An HTTP proxy on loopback in front of a registry with htpasswd auth that makes its images
 * public to read, as a public project on GitLab or Harbor is: a manifest or blob read without
 * credentials is passed on with the registry's own; everything else (the /v2/ a `docker login`
 * asks, pushes, reads with credentials) goes through as sent, so a login still checks its password.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from "node:http";
import type { Socket } from "node:net";

export interface PublicReadProxy {
  /** host:port to use instead of the registry's. */
  readonly host: string;
  stop(): Promise<void>;
}

const PUBLIC_READ = /^\/v2\/.+\/(manifests|blobs)\/[^/]+$/;

export async function startPublicReadProxy(target: string, authorization: string): Promise<PublicReadProxy> {
  const [targetHost = "127.0.0.1", targetPort = "0"] = target.split(":");
  const sockets = new Set<Socket>();
  const pass = (req: IncomingMessage, res: ServerResponse) => {
    const read = (req.method === "GET" || req.method === "HEAD") && PUBLIC_READ.test(req.url?.split("?")[0] ?? "");
    const headers = { ...req.headers };
    if (read && !headers.authorization) headers.authorization = authorization;
    const upstream = request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  };
  const server: Server = createServer(pass);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    host: `127.0.0.1:${String(port)}`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
