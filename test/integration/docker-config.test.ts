import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, inject, it } from "vitest";
import { Docker } from "../../src/build/docker";
import { tempDockerConfigs } from "../../src/platform/docker-config";
import { nodeExec } from "../../src/platform/exec";
import { MemoryLogger } from "../support/loggers";

const rig = inject("rig");
const run = promisify(execFile);
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("the temporary docker config with the real docker CLI", () => {
  it("keeps CLI plugins of the user's config working and writes the login only to itself", async () => {
    const user = await mkdtemp(join(tmpdir(), "user-docker-"));
    const temp = await mkdtemp(join(tmpdir(), "runner-temp-"));
    dirs.push(user, temp);
    const userConfig = JSON.stringify({ auths: {} });
    await writeFile(join(user, "config.json"), userConfig);
    await mkdir(join(user, "cli-plugins"));
    // A CLI plugin as an earlier step would install it (setup-buildx-action does the same for buildx).
    const plugin = join(user, "cli-plugins", "docker-hello");
    await writeFile(
      plugin,
      `#!/bin/sh\nif [ "$1" = docker-cli-plugin-metadata ]; then echo '{"SchemaVersion":"0.1.0","Vendor":"test","Version":"1.0","ShortDescription":"hello"}'; exit 0; fi\necho "hello from plugin"\n`,
    );
    await chmod(plugin, 0o755);

    const config = await tempDockerConfigs(user, temp)(rig.registryHost);
    const env = { ...process.env, DOCKER_CONFIG: config.dir, DOCKER_HOST: rig.dockerHost };
    expect((await run("docker", ["hello"], { env })).stdout.trim()).toBe("hello from plugin");

    const docker = new Docker(nodeExec, new MemoryLogger(), { DOCKER_HOST: rig.dockerHost }).withConfigDir(config.dir);
    await docker.login(rig.registryHost, { username: rig.registryUser, password: rig.registryPassword });
    const written = JSON.parse(await readFile(join(config.dir, "config.json"), "utf8")) as {
      auths: Record<string, unknown>;
    };
    expect(Object.keys(written.auths)).toEqual([rig.registryHost]);
    expect(await readFile(join(user, "config.json"), "utf8")).toBe(userConfig);

    await config.remove();
    expect(await readFile(join(user, "config.json"), "utf8")).toBe(userConfig);
  });
});

describe("finding buildx without starting docker", () => {
  it("finds a CLI plugin where the docker CLI finds it, and agrees with `docker buildx version`", async () => {
    const { hasCliPlugin } = await import("../../src/platform/cli-plugins");
    const home = await mkdtemp(join(tmpdir(), "home-"));
    dirs.push(home);
    const env = { ...process.env, HOME: home, DOCKER_CONFIG: undefined, DOCKER_HOST: rig.dockerHost };
    const cliSays = await run("docker", ["buildx", "version"], { env }).then(
      () => true,
      () => false,
    );
    expect(await hasCliPlugin("buildx", env)).toBe(cliSays);
    // A plugin in ~/.docker/cli-plugins, as docker/setup-buildx-action installs it.
    await mkdir(join(home, ".docker", "cli-plugins"), { recursive: true });
    const plugin = join(home, ".docker", "cli-plugins", "docker-hello");
    await writeFile(plugin, "#!/bin/sh\n");
    await chmod(plugin, 0o755);
    expect(await hasCliPlugin("hello", env)).toBe(true);
    expect(await hasCliPlugin("nothere", env)).toBe(false);
    // And in a dir named by cliPluginsExtraDirs.
    const extra = await mkdtemp(join(tmpdir(), "plugins-"));
    dirs.push(extra);
    await writeFile(join(extra, "docker-extra"), "#!/bin/sh\n", { mode: 0o755 });
    await writeFile(join(home, ".docker", "config.json"), JSON.stringify({ cliPluginsExtraDirs: [extra] }));
    expect(await hasCliPlugin("extra", env)).toBe(true);
  });

  it("agrees with the docker CLI on plugins it cannot run: not executable, a directory, shadowed by one", async () => {
    const { hasCliPlugin } = await import("../../src/platform/cli-plugins");
    const home = await mkdtemp(join(tmpdir(), "home-"));
    const extra = await mkdtemp(join(tmpdir(), "plugins-"));
    dirs.push(home, extra);
    const plugins = join(home, ".docker", "cli-plugins");
    await mkdir(plugins, { recursive: true });
    await writeFile(join(home, ".docker", "config.json"), JSON.stringify({ cliPluginsExtraDirs: [extra] }));
    const env = { ...process.env, HOME: home, DOCKER_CONFIG: undefined, DOCKER_HOST: rig.dockerHost };
    // A plugin that answers the CLI's metadata call, as a real one does.
    const working = `#!/bin/sh\nif [ "$1" = docker-cli-plugin-metadata ]; then echo '{"SchemaVersion":"0.1.0","Vendor":"test","Version":"1"}'; exit 0; fi\necho ran\n`;
    const cliRuns = (name: string) =>
      run("docker", [name], { env }).then(
        () => true,
        () => false,
      );
    const cases: [string, () => Promise<void>][] = [
      ["works", () => writeFile(join(plugins, "docker-works"), working, { mode: 0o755 })],
      ["noexec", () => writeFile(join(plugins, "docker-noexec"), working, { mode: 0o644 })],
      ["isdir", () => mkdir(join(plugins, "docker-isdir"))],
      [
        "shadowed",
        async () => {
          // The first dir that has it is the only one the CLI tries.
          await writeFile(join(extra, "docker-shadowed"), working, { mode: 0o644 });
          await writeFile(join(plugins, "docker-shadowed"), working, { mode: 0o755 });
        },
      ],
    ];
    for (const [name, make] of cases) {
      await make();
      const cli = await cliRuns(name);
      expect(await hasCliPlugin(name, env), name).toBe(cli);
    }
    expect(await cliRuns("works")).toBe(true);
    expect(await cliRuns("noexec")).toBe(false);
  });
});
