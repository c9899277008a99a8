import { chmod, cp, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type CreateTempDockerConfig, isolatedDockerConfig } from "../build/docker-config";
import { tracked } from "./cancel";

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Temporary docker configs in `tempRoot`, started from the user's config dir: config.json
 * without credential stores or logins for our registry (unless the user's login is kept); buildx/ and contexts/ copied (so the
 * builder chosen by earlier steps is used and its state writes stay here); cli-plugins/ linked.
 */
export function tempDockerConfigs(userConfigDir: string, tempRoot: string): CreateTempDockerConfig {
  return async (registryHost, options = {}) => {
    const dir = await mkdtemp(join(tempRoot, "dokploy-deploy-"));
    // Known from the start, so that even a process made to exit at once removes it.
    const untrack = tracked.tempDir(dir);
    await chmod(dir, 0o700);
    let userConfig: unknown = {};
    try {
      userConfig = JSON.parse(await readFile(join(userConfigDir, "config.json"), "utf8"));
    } catch {
      userConfig = {};
    }
    await writeFile(
      join(dir, "config.json"),
      JSON.stringify(isolatedDockerConfig(userConfig, registryHost, options.keepLogin), null, 2),
      {
        mode: 0o600,
      },
    );
    for (const name of ["buildx", "contexts"]) {
      const source = join(userConfigDir, name);
      if (await exists(source)) await cp(source, join(dir, name), { recursive: true });
    }
    const plugins = join(userConfigDir, "cli-plugins");
    if (await exists(plugins)) await symlink(plugins, join(dir, "cli-plugins"));
    return {
      dir,
      readFile: async (name) => {
        try {
          return await readFile(join(dir, name), "utf8");
        } catch {
          return undefined;
        }
      },
      writeFile: async (name, text) => {
        await writeFile(join(dir, name), text, { mode: 0o600 });
        return join(dir, name);
      },
      remove: async () => {
        await rm(dir, { recursive: true, force: true });
        untrack();
      },
    };
  };
}
