/** Pieces the buildx and BuildKit integration files share: checkouts, homes, names. */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { type BuildTools, dockerConfigWithBuildx } from "./build-tools";
import { tempDir } from "./temp";

const run = promisify(execFile);

export function sha(): string {
  return randomBytes(20).toString("hex");
}

export function repository(prefix = "bx"): string {
  return `${prefix}/app-${randomBytes(4).toString("hex")}`;
}

/** A repository checkout with this Dockerfile (and more files, name -> text). */
export async function checkoutWith(dockerfile: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir("checkout");
  await writeFile(join(dir, "Dockerfile"), dockerfile);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

export interface Home {
  readonly home: string;
  /** The user's docker config dir, ~/.docker. */
  readonly dockerConfig: string;
}

/** A HOME whose ~/.docker has the buildx plugin (or not), and a config.json with `config`. */
export async function homeFor(tools: BuildTools | undefined, config: unknown = { auths: {} }): Promise<Home> {
  const home = await tempDir("home");
  const dockerConfig = join(home, ".docker");
  await mkdir(dockerConfig);
  if (tools) await dockerConfigWithBuildx(dockerConfig, tools);
  await writeFile(join(dockerConfig, "config.json"), JSON.stringify(config, null, 2));
  return { home, dockerConfig };
}

/** Runs the docker CLI as the user would in an earlier step, with this docker config. */
export function userDocker(
  dockerHost: string,
  dockerConfig: string,
  args: string[],
  input?: string,
): Promise<{ stdout: string; stderr: string }> {
  const promise = run("docker", args, {
    env: { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CONFIG: dockerConfig },
    maxBuffer: 64 << 20,
  });
  promise.child.stdin?.end(input ?? "");
  return promise;
}
