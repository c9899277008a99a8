import { constants } from "node:fs";
import { access, readFile, stat } from "node:fs/promises";
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
 * Whether `docker <name>` runs a plugin, decided as the docker CLI decides it, without starting
 * the CLI (which costs about 0.1 s on the way to the build): the first plugin dir that has
 * docker-<name> (symlinks followed) is the only one looked at, and the CLI can run it only when
 * it is an executable file. A plugin it cannot run means no plugin, as for the CLI.
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
    const path = join(dir, `docker-${name}`);
    let isFile: boolean;
    try {
      isFile = (await stat(path)).isFile();
    } catch (error) {
      // Only a path that does not exist sends the CLI on to the next dir.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      return false;
    }
    if (!isFile) return false;
    return access(path, constants.X_OK).then(
      () => true,
      () => false,
    );
  }
  return false;
}
