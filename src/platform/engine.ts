import { readFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";

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
    // No TLS, so no server name: node would otherwise work one out from the Host header,
    // checking whether it is an IP address, and compiling that check costs ~7 ms on the way
    // to the build.
    const options = {
      socketPath,
      path: `/images/json?filters=${filters}`,
      timeout: timeoutMs,
      headers: { host: "docker" },
      servername: "",
    };
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
