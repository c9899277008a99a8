import { access, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/** Where the docker CLI looks for plugins (docker/cli's plugin manager), in its order. */
export function pluginDirs(env: NodeJS.ProcessEnv, extraDirs: readonly string[] = []): string[] {
  const configDir = env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), ".docker");
  return [
    ...extraDirs,
    join(configDir, "cli-plugins"),
    "/usr/local/lib/docker/cli-plugins",
    "/usr/local/libexec/docker/cli-plugins",
    "/usr/lib/docker/cli-plugins",
    "/usr/libexec/docker/cli-plugins",
  ];
}

/**
 * Whether the docker CLI has a plugin, found the way the CLI finds it, without starting the CLI
 * (which costs about 0.1 s on the way to the build).
 */
export async function hasCliPlugin(name: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const configDir = env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), ".docker");
  let extra: string[] = [];
  try {
    const config = JSON.parse(await readFile(join(configDir, "config.json"), "utf8")) as {
      cliPluginsExtraDirs?: unknown;
    };
    if (Array.isArray(config.cliPluginsExtraDirs))
      extra = config.cliPluginsExtraDirs.filter((d): d is string => typeof d === "string");
  } catch {
    extra = [];
  }
  for (const dir of pluginDirs(env, extra)) {
    try {
      await access(join(dir, `docker-${name}`));
      return true;
    } catch {
      // not in this one
    }
  }
  return false;
}
