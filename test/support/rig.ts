/**
 * The real parts the integration tests and the demo run against: a Docker engine (Debian's
 * dockerd, its own data/exec roots and socket, no bridge) and a Distribution registry with
 * htpasswd auth, both on loopback, both stopped by pid when done.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { MANIFEST_MEDIA_TYPES } from "../../src/registry/check";

const run = promisify(execFile);

export interface Service {
  readonly pid: number;
  stop(): Promise<void>;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  logFile?: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready in ${String(timeoutMs)} ms${logFile ? ` (log: ${logFile})` : ""}`);
}

function startDetached(command: string, args: string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, "a");
  const child = spawn(command, args, { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  return child;
}

async function stopChild(child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Unmounts what dockerd left mounted under `root` (its network namespace), deepest first. */
async function unmountUnder(root: string): Promise<void> {
  const mounts = (await readFile("/proc/self/mounts", "utf8"))
    .split("\n")
    .map((line) => line.split(" ")[1] ?? "")
    .filter((point) => point.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await run("umount", ["-l", point]).catch(() => undefined);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Engine extends Service {
  /** DOCKER_HOST for the CLI. */
  readonly host: string;
  docker(args: string[], input?: string): Promise<{ stdout: string; stderr: string }>;
}

/** Starts dockerd as root with everything under a fresh short temp dir. */
export async function startEngine(): Promise<Engine> {
  const root = await mkdtemp("/tmp/dkr-");
  const socket = join(root, "docker.sock");
  const host = `unix://${socket}`;
  const log = join(root, "dockerd.log");
  const child = startDetached(
    "dockerd",
    [
      "--data-root",
      join(root, "data"),
      "--exec-root",
      join(root, "exec"),
      "-H",
      host,
      "--pidfile",
      join(root, "docker.pid"),
      "--bridge=none",
      "--iptables=false",
      "--ip-masq=false",
      "--ip6tables=false",
    ],
    log,
  );
  const docker = async (args: string[], input?: string) => {
    const promise = run("docker", args, { env: { ...process.env, DOCKER_HOST: host }, maxBuffer: 64 << 20 });
    if (input !== undefined) {
      promise.child.stdin?.end(input);
    }
    return promise;
  };
  try {
    await waitFor(
      "dockerd",
      async () => (await docker(["version", "--format", "{{.Server.Version}}"])).stdout.trim() !== "",
      30_000,
      log,
    );
  } catch (error) {
    await stopChild(child);
    await unmountUnder(root);
    throw error;
  }
  return {
    pid: child.pid ?? 0,
    host,
    docker,
    stop: async () => {
      await stopChild(child);
      await unmountUnder(root);
      await rm(root, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/** A base image with busybox's /bin/sh, made with docker import (no Docker Hub here). */
export async function importBusybox(engine: Engine, tag = "local/busybox:1"): Promise<string> {
  const root = await mkdtemp("/tmp/rootfs-");
  try {
    await mkdir(join(root, "bin"), { recursive: true });
    await mkdir(join(root, "tmp"));
    await mkdir(join(root, "etc"));
    await copyFile("/bin/busybox", join(root, "bin", "busybox"));
    for (const tool of ["sh", "echo", "cat", "ls", "mkdir", "sleep", "wget", "date", "env", "printf"]) {
      await symlink("busybox", join(root, "bin", tool));
    }
    await writeFile(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    const tar = spawn("tar", ["-C", root, "-c", "."], { stdio: ["ignore", "pipe", "inherit"] });
    const importer = spawn("docker", ["import", "-", tag], {
      env: { ...process.env, DOCKER_HOST: engine.host },
      stdio: ["pipe", "ignore", "inherit"],
    });
    tar.stdout.pipe(importer.stdin);
    const code = await new Promise<number | null>((resolve) => importer.on("exit", resolve));
    if (code !== 0) throw new Error(`docker import exited with ${String(code)}`);
    return tag;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export interface Registry extends Service {
  /** host:port on loopback. */
  readonly host: string;
  readonly username: string;
  readonly password: string;
  /** Basic auth header value for the registry's v2 API. */
  readonly authorization: string;
}

export interface Distribution extends Service {
  /** host:port on loopback. */
  readonly host: string;
}

/**
 * Starts Debian's docker-registry (Distribution) on 127.0.0.1 with storage in `root` and the
 * given `auth:` section (YAML lines, indented under it); ready when /v2/ asks for auth.
 * Its stop() also removes `root`. A port can be given, e.g. to restart a registry in place.
 */
export async function startDistribution(root: string, auth: readonly string[], port?: number): Promise<Distribution> {
  port ??= await freePort();
  await writeFile(
    join(root, "config.yml"),
    [
      "version: 0.1",
      "log:",
      "  level: warn",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(root, "data")}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: 127.0.0.1:${String(port)}`,
      "auth:",
      ...auth.map((line) => `  ${line}`),
      "",
    ].join("\n"),
  );
  const log = join(root, "registry.log");
  const child = startDetached("docker-registry", ["serve", join(root, "config.yml")], log);
  const host = `127.0.0.1:${String(port)}`;
  try {
    await waitFor("docker-registry", async () => (await fetch(`http://${host}/v2/`)).status === 401, 15_000, log);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    pid: child.pid ?? 0,
    host,
    stop: async () => {
      await stopChild(child);
      await rm(root, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/** Starts Debian's docker-registry with htpasswd auth on 127.0.0.1 (on `port` when given). */
export async function startRegistry(
  username = "ci",
  password = `pw-${String(Date.now())}`,
  port?: number,
): Promise<Registry> {
  const root = await mkdtemp("/tmp/reg-");
  const htpasswd = (await run("htpasswd", ["-Bbn", username, password])).stdout;
  await writeFile(join(root, "htpasswd"), htpasswd);
  const registry = await startDistribution(
    root,
    ["htpasswd:", "  realm: test-registry", `  path: ${join(root, "htpasswd")}`],
    port,
  );
  return {
    ...registry,
    username,
    password,
    authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`,
  };
}

/** Accept header for a manifest or an index, as the pull check sends it. */
const MANIFEST_TYPES = MANIFEST_MEDIA_TYPES.join(", ");

/** The digest the registry serves for repository:tag, or undefined when there is none. */
export async function registryDigest(registry: Registry, repository: string, tag: string): Promise<string | undefined> {
  const res = await fetch(`http://${registry.host}/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    headers: { authorization: registry.authorization, accept: MANIFEST_TYPES },
  });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`registry answered ${String(res.status)} for ${repository}:${tag}`);
  return res.headers.get("docker-content-digest") ?? undefined;
}
