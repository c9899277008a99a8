/**
 * A Dokploy older than the oldest supported release is refused before anything is pushed or
 * changed, whether the step waits or not: the deploy itself goes wrong there. A real build into
 * the rig's registry, against the stand-in answering an older version.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { standInInputs, useStandIn } from "../support/fixtures";
import { rigRegistry } from "../support/global-setup";
import { registryDigest } from "../support/rig";
import { tempDir } from "../support/temp";

const rig = inject("rig");
const API_KEY = `key-${randomBytes(12).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY, version: "v0.28.7" });

describe("a Dokploy older than v0.28.8", () => {
  it.each(["true", "false"])(
    "is refused with wait: %s, naming its version, the oldest supported and why; nothing pushed, nothing written",
    async (wait) => {
      const app = standIn().addApplication();
      const repo = `demo/old-${randomBytes(4).toString("hex")}`;
      const commit = randomBytes(20).toString("hex");
      const cwd = await tempDir("checkout");
      await writeFile(join(cwd, "Dockerfile"), `FROM ${rig.baseImage}\nRUN echo ${commit} > /v\n`);
      const run = await runAction({
        inputs: {
          ...standInInputs(
            { rig, standIn: standIn(), apiKey: API_KEY },
            app.applicationId,
            `${rig.registryHost}/${repo}`,
          ),
          wait,
        },
        env: { GITHUB_SHA: commit, DOCKER_HOST: rig.dockerHost },
        cwd,
      });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toContain(
        "::error::Dokploy v0.28.7 is older than v0.28.8, the oldest release this step supports: releases before v0.28.7 create a new service without its pull credentials",
      );
      expect(await registryDigest(rigRegistry(rig), repo, commit)).toBeUndefined();
      expect(standIn().writes()).toEqual([]);
      expect(run.leftovers).toEqual([]);
    },
  );
});
