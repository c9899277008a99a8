/**
 * A compose service on a Dokploy before v0.29.0, which has no compose.saveEnvironment: the
 * env is written with compose.update (what that release's dashboard uses), for the image and
 * for a rollback, against the stand-in answering v0.28.8.
 */
import { describe, expect, it } from "vitest";
import { FAKE_IMAGE as IMAGE, deployComposeThrough, useStandIn } from "../support/fixtures";
import { SHA } from "../support/fake-docker";
import type { RawInputs } from "./imports";

const KEY = "api-key-compose-0288";
const FILE = "services:\n  web:\n    image: ${IMAGE}\n";
const USER_ENV = "GREETING=hello\nIMAGE=127.0.0.1:5000/acme/web:old\nTAG=old\n";
const standIn = useStandIn({
  apiKey: KEY,
  verifyRegistryLogin: false,
  deployment: { durationMs: 5 },
  version: "v0.28.8",
});

function deploy(composeId: string, inputs: RawInputs = {}) {
  return deployComposeThrough(standIn(), KEY, composeId, inputs);
}

function runningStack() {
  const compose = standIn().addCompose({ composeFile: FILE, env: USER_ENV });
  standIn().swarm.deployed(`${compose.appName}_web`, `${IMAGE}:old`);
  return compose;
}

describe("a compose service on Dokploy v0.28.8", () => {
  it("gets the image through compose.update, its other variables kept", async () => {
    const compose = runningStack();
    const ran = await deploy(compose.composeId);
    expect(ran.error).toBeUndefined();
    expect(ran.outputs["deployment-status"]).toBe("done");
    expect(standIn().composes.get(compose.composeId)?.env).toBe(`GREETING=hello\nIMAGE=${IMAGE}:${SHA}\nTAG=${SHA}\n`);
    expect(
      standIn()
        .callsOf("compose.update")
        .map((c) => c.status),
    ).toEqual([200]);
    expect(standIn().callsOf("compose.saveEnvironment")).toEqual([]);
  });

  it("prints the log's last lines that reach the socket late without deployment.readLogs, which it lacks", async () => {
    const compose = runningStack();
    const log = ["Initializing deployment", "Pulling web", "Pulled", "Creating network", "Creating service web"];
    log.push("Docker Compose Deployed: ✅");
    // A line every 120 ms, each on the socket 400 ms after it was written: the last ones come after done.
    standIn().scriptDeployments(compose.composeId, { durationMs: 600, logLagMs: 400, log });
    const ran = await deploy(compose.composeId);
    expect(ran.error).toBeUndefined();
    const printed = ran.log.split("\n").filter((line) => line.includes("│ "));
    expect(printed.map((line) => line.slice(line.indexOf("│ ") + 2))).toEqual(log);
    expect(standIn().callsOf("deployment.readLogs")).toEqual([]);
  });

  it("is rolled back through compose.update too", async () => {
    const compose = runningStack();
    standIn().scriptDeployments(compose.composeId, { swarm: "pauses" }, {});
    const ran = await deploy(compose.composeId, { "rollback-on-failure": "true" });
    expect(ran.outputs["deployment-status"]).toBe("not-running");
    expect(ran.error?.message).toContain(`Rolled back to ${IMAGE}:old`);
    expect(standIn().composes.get(compose.composeId)?.env).toBe(USER_ENV);
    expect(
      standIn()
        .callsOf("compose.update")
        .map((c) => c.status),
    ).toEqual([200, 200]);
    expect(standIn().callsOf("compose.saveEnvironment")).toEqual([]);
  });
});
