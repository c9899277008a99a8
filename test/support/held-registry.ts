/**
 * A registry endpoint on loopback that holds every request until released, then answers 404.
 * A Dokploy `deploy` of an image from it stays in its pull for as long as the test wants: a
 * Dokploy runs one deployment at a time (v0.30.2's in-memory queue, concurrency 1 without a
 * licence), so this holds the server's deployment queue, the way a slow build ahead of yours does.
 */
import { type ServerResponse, createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface HeldRegistry {
  /** host:port */
  readonly host: string;
  /** How many requests have reached it. */
  readonly requests: number;
  /** Answers the held requests (and all later ones) at once. */
  release(): void;
  stop(): Promise<void>;
}

export async function startHeldRegistry(): Promise<HeldRegistry> {
  const held: ServerResponse[] = [];
  const sockets = new Set<Socket>();
  let released = false;
  let requests = 0;
  const answer = (res: ServerResponse) =>
    res
      .writeHead(404, { "content-type": "application/json" })
      .end(JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] }));
  const server = createServer((_req, res) => {
    requests += 1;
    if (released) answer(res);
    else held.push(res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const release = () => {
    released = true;
    for (const res of held.splice(0)) answer(res);
  };
  return {
    host: `127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    get requests() {
      return requests;
    },
    release,
    stop: async () => {
      release();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
