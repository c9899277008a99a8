/** A TCP proxy on loopback that passes uploads at a set rate: a registry that takes its time. */
import { type Server, type Socket, connect, createServer } from "node:net";

export interface SlowProxy {
  /** host:port to use instead of the target's. */
  readonly host: string;
  stop(): Promise<void>;
}

export async function startSlowProxy(target: string, bytesPerSecond: number): Promise<SlowProxy> {
  const [targetHost = "127.0.0.1", targetPort = "0"] = target.split(":");
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(targetPort), targetHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk: Buffer) => {
      client.pause();
      upstream.write(chunk);
      setTimeout(() => client.resume(), (chunk.length / bytesPerSecond) * 1000);
    });
    client.on("end", () => upstream.end());
    upstream.pipe(client);
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
