/**
 * A registry only the runner reaches, as on a private network with its own DNS: a name this
 * machine's /etc/hosts gives 127.0.0.1 (so no lookup leaves the machine) is, in a hosts file of
 * the runner's own, another loopback address, where a TLS proxy to a registry listens with a
 * certificate only the runner trusts (NODE_EXTRA_CA_CERTS). The action runs in a mount namespace
 * of its own with that file over /etc/hosts; Dokploy's engines read the machine's /etc/hosts and
 * find nothing listening at that name and port. Nothing of the machine is changed.
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { createServer as createHttpsServer } from "node:https";
import { type IncomingMessage, type ServerResponse, request } from "node:http";
import { type Socket, connect } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { tempDir } from "./temp";

const run = promisify(execFile);

/** Where the proxy listens: a loopback address nothing else here uses. */
const RUNNER_ADDRESS = "127.0.0.3";

export interface RunnerOnlyRegistry {
  /** name:port, as images name the registry. */
  readonly host: string;
  /** The certificate the runner trusts: for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  /** Runs a command with the runner's hosts file (RunActionOptions.launcher); bash, not sh, keeps INPUT_A-B variables. */
  readonly launcher: readonly string[];
  stop(): Promise<void>;
}

/** A name this machine's /etc/hosts gives 127.0.0.1, other than localhost; undefined when none. */
export async function loopbackName(): Promise<string | undefined> {
  const lines = (await readFile("/etc/hosts", "utf8")).split("\n");
  for (const line of lines) {
    const [address, ...names] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (address !== "127.0.0.1") continue;
    const name = names.find((n) => n !== "localhost" && /^[a-z][a-z0-9-]*$/i.test(n));
    if (name) return name;
  }
  return undefined;
}

/** Whether something listens on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

/** Starts the proxy to `target` (host:port of a plain-HTTP registry) under `name`. */
export async function startRunnerOnlyRegistry(name: string, target: string): Promise<RunnerOnlyRegistry> {
  const dir = await tempDir("runner-only");
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  await run("openssl", [
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", key, "-out", cert],
    ...["-subj", `/CN=${name}`, "-addext", `subjectAltName=DNS:${name}`],
  ]);
  const [targetHost = "127.0.0.1", targetPort = "0"] = target.split(":");
  const pass = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  };
  const server = createHttpsServer({ key: await readFile(key), cert: await readFile(cert) }, pass);
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const stop = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  let port = 0;
  // A port that is free on 127.0.0.1 too: there, where Dokploy looks, nothing must answer.
  for (let attempt = 0; attempt < 10 && port === 0; attempt++) {
    await new Promise<void>((resolve) => server.listen(0, RUNNER_ADDRESS, resolve));
    const address = server.address();
    const given = typeof address === "object" && address ? address.port : 0;
    if (!(await listening(given))) port = given;
    else await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  if (port === 0) throw new Error("no port free on both 127.0.0.1 and 127.0.0.3");
  const hosts = join(dir, "hosts");
  const machine = (await readFile("/etc/hosts", "utf8"))
    .split("\n")
    .map((line) => line.replace(new RegExp(`\\s${name}(?=\\s|$)`, "g"), ""));
  await writeFile(hosts, [`${RUNNER_ADDRESS} ${name}`, ...machine].join("\n"));
  return {
    host: `${name}:${String(port)}`,
    caFile: cert,
    launcher: [
      ...["unshare", "--mount", "--propagation", "private", "bash", "-c"],
      'mount --bind "$0" /etc/hosts && exec "$@"',
      hosts,
    ],
    stop,
  };
}
