/**
 * The platform check (verify-platform) against a live Dokploy: an image built for linux/arm64
 * on this amd64 machine (FROM scratch and COPY: no emulation needed) is refused before anything
 * changes in Dokploy, naming the image's platform and the nodes' (cluster.getNodes). The amd64
 * images of the other e2e tests pass it (see server-pull.test.ts).
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { installBuildTools, reportSkipped } from "../support/build-tools";
import { homeFor } from "../support/buildx-fixtures";
import { commitSha, describeLive } from "../support/e2e";
import { tempDir } from "../support/temp";

const skip = reportSkipped("the platform check with an arm64 image");

/** A checkout that builds for any platform without running anything. */
async function scratchCheckout(): Promise<string> {
  const dir = await tempDir("e2e-platform");
  await writeFile(join(dir, "marker"), randomBytes(6).toString("hex"));
  await writeFile(join(dir, "Dockerfile"), ["FROM scratch", "COPY marker /marker", 'CMD ["/marker"]', ""].join("\n"));
  return dir;
}

describeLive("the image's platforms against the nodes", (e2e) => {
  it.skipIf(skip)("refuses an arm64 image for amd64 nodes before anything changes in Dokploy", async () => {
    const { home } = await homeFor(await installBuildTools());
    const app = await e2e.newApp("platform");
    const before = await e2e.dokploy.application(app.applicationId);
    const image = e2e.image("platform");
    const run = await e2e.runAction(commitSha(), e2e.inputs(app, image, { platforms: "linux/arm64" }), {
      cwd: await scratchCheckout(),
      home,
    });
    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/is served as sha256:/);
    expect(run.stdout).toMatch(
      /:[0-9a-f]{40} is built for linux\/arm64; the nodes of the Dokploy host are linux\/amd64\./,
    );
    expect(run.stdout).toContain("Build for them with platforms: linux/amd64 (or linux/amd64,linux/arm64 for both");
    await e2e.expectNothingChanged(run.stdout, before);
  });
});
