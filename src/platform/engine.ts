import { readFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import type { RegistryAuth } from "../pipeline/ports";
import { isValidDigest, malformedDigest } from "../shared/image";

/**
 * The engine's unix socket, when the docker CLI would talk to it: DOCKER_HOST unset (the default
 * socket) or unix://, and no docker context chosen. Undefined otherwise (tcp://, ssh://, a
 * context): then only the CLI knows how to reach the engine.
 */
export async function engineSocket(env: NodeJS.ProcessEnv, configDir: string): Promise<string | undefined> {
  if (env.DOCKER_CONTEXT) return undefined;
  const host = env.DOCKER_HOST ?? "";
  if (host.startsWith("unix://")) return host.slice("unix://".length);
  if (host !== "") return undefined;
  try {
    const config = JSON.parse(await readFile(join(configDir, "config.json"), "utf8")) as { currentContext?: unknown };
    if (config.currentContext && config.currentContext !== "default") return undefined;
  } catch {
    // No config: the CLI uses the default socket too.
  }
  return "/var/run/docker.sock";
}

/**
 * A request to the engine's socket at `path`. No TLS, so no server name: node would otherwise
 * work one out from the Host header, checking whether it is an IP address, and compiling that
 * check costs ~7 ms on the way to the build.
 */
function onSocket(socketPath: string, path: string) {
  return { socketPath, path, headers: { host: "docker" }, servername: "" };
}

/**
 * Whether the engine holds any image of `repository`, asked over its API as `docker images
 * <repository>` asks it, without starting the CLI (about 50 ms on the way to the build).
 * Undefined when it cannot tell: the caller asks the CLI.
 */
export function engineHoldsImagesOf(
  socketPath: string,
  repository: string,
  timeoutMs = 5_000,
): Promise<boolean | undefined> {
  const filters = encodeURIComponent(JSON.stringify({ reference: { [repository]: true } }));
  return new Promise((resolve) => {
    const options = { ...onSocket(socketPath, `/images/json?filters=${filters}`), timeout: timeoutMs };
    const req = request(options, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        // A list of image summaries; past a MiB, any answer will do.
        if (body.length < 1024 * 1024) body += chunk;
      });
      res.on("end", () => {
        if (res.statusCode !== 200) return resolve(undefined);
        try {
          const images = JSON.parse(body) as unknown;
          resolve(Array.isArray(images) ? images.length > 0 : undefined);
        } catch {
          resolve(body.length >= 1024 * 1024 ? true : undefined);
        }
      });
      res.on("error", () => resolve(undefined));
    });
    req.on("timeout", () => {
      req.destroy();
      resolve(undefined);
    });
    req.on("error", () => resolve(undefined));
    req.end();
  });
}

/** X-Registry-Auth: the credentials as JSON in base64url, padding kept (the engine's decoder wants it). */
export function registryAuthHeader(auth: RegistryAuth): string {
  return Buffer.from(JSON.stringify(auth)).toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

/** One message of the engine's push stream (`docker push` prints the same). */
interface PushMessage {
  readonly status?: string;
  readonly id?: string;
  readonly progressDetail?: { readonly current?: number };
  readonly aux?: { readonly Digest?: string };
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

/** The line `docker push` would print for a message; undefined for progress, which it redraws. */
function pushLine(message: PushMessage): string | undefined {
  if (!message.status || message.progressDetail?.current !== undefined) return undefined;
  return message.id ? `${message.id}: ${message.status}` : message.status;
}

/**
 * Pushes `repository:tag` from the engine over its API, as `docker push` has it do, with the
 * credentials in the request's header: no login is written anywhere. Each line docker push
 * would print goes to `onLine`. Resolves with the digest the registry gave; rejects with the
 * engine's message when the push fails. Aborting `signal` drops the connection, and the
 * engine stops the push.
 */
export function pushFromEngine(
  socketPath: string,
  repository: string,
  tag: string,
  auth: RegistryAuth,
  options: { readonly signal?: AbortSignal; readonly onLine?: (line: string) => void } = {},
): Promise<string | undefined> {
  const path = `/images/${encodeURIComponent(repository)}/push?tag=${encodeURIComponent(tag)}`;
  return new Promise((resolve, reject) => {
    let digest: string | undefined;
    let failure: string | undefined;
    const base = onSocket(socketPath, path);
    const requestOptions = {
      ...base,
      method: "POST",
      headers: { ...base.headers, "x-registry-auth": registryAuthHeader(auth) },
      signal: options.signal,
    };
    const req = request(requestOptions, (res) => {
      let pending = "";
      const take = (line: string) => {
        if (line.trim() === "") return;
        let message: PushMessage;
        try {
          message = JSON.parse(line) as PushMessage;
        } catch {
          options.onLine?.(line);
          return;
        }
        if (res.statusCode !== 200) failure ??= (message as { message?: string }).message ?? line;
        if (message.error || message.errorDetail) failure ??= message.errorDetail?.message ?? message.error;
        const given = message.aux?.Digest;
        // What is not a digest must not be deployed as one: the push fails.
        if (given !== undefined && isValidDigest(given)) digest = given;
        else if (given !== undefined) failure ??= malformedDigest(given, "the engine's push");
        const said = pushLine(message);
        if (said !== undefined) options.onLine?.(said);
      };
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        const lines = (pending + chunk).split("\n");
        pending = lines.pop() ?? "";
        lines.forEach(take);
      });
      res.on("end", () => {
        take(pending);
        if (res.statusCode !== 200) failure ??= `the engine answered HTTP ${String(res.statusCode)}`;
        if (failure !== undefined) reject(new Error(failure));
        else resolve(digest);
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
