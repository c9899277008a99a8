import { describe, expect, it } from "vitest";
import {
  baseName,
  changedVariables,
  copiedSettings,
  previewAppName,
  previewVolumeName,
  rewriteEnv,
  withOverrides,
} from "../../src/preview/copy";

describe("what a preview copies from its template", () => {
  it("copies the listed settings, nulls only where Dokploy takes them, never ports or the source", () => {
    const settings = copiedSettings({
      command: null,
      replicas: 2,
      memoryLimit: null,
      cpuLimit: "0.5",
      args: ["--port", "80"],
      modeSwarm: { Replicated: { Replicas: 2 } },
      createEnvFile: false,
      ...({ endpointSpecSwarm: { Ports: [{ PublishedPort: 8080 }] }, dockerImage: "prod:1", env: "A=1" } as object),
    });
    expect(settings).toEqual({
      command: null,
      replicas: 2,
      cpuLimit: "0.5",
      args: ["--port", "80"],
      modeSwarm: { Replicated: { Replicas: 2 } },
      createEnvFile: false,
    });
  });

  it("rewrites whole service names only", () => {
    const env = "DATABASE_URL=postgres://u:p@app-db-x1y2z3:5432/app\nOTHER=app-db-x1y2z3x\nHOST=app-db-x1y2z3";
    expect(rewriteEnv(env, new Map([["app-db-x1y2z3", "app-db-pr-42-abcdef"]]))).toBe(
      "DATABASE_URL=postgres://u:p@app-db-pr-42-abcdef:5432/app\nOTHER=app-db-x1y2z3x\nHOST=app-db-pr-42-abcdef",
    );
  });

  it("puts preview-env over the template's variables, keeping the rest and its comments", () => {
    expect(withOverrides("# web\nA=1\nB=2\n\n", ["B=preview", "C=3"])).toBe("# web\nA=1\nB=preview\nC=3");
    expect(withOverrides("", ["C=3"])).toBe("C=3");
    expect(withOverrides("A=1", [])).toBe("A=1");
  });

  it("names the variables that changed, not their values", () => {
    expect(changedVariables("A=1\nB=2\n# x", "A=1\nB=secret\nC=3")).toEqual(["B", "C"]);
  });

  it("names the copy after the template without Dokploy's suffix, within Dokploy's 63 characters", () => {
    expect(baseName("web-a1b2c3")).toBe("web");
    expect(baseName("web")).toBe("web");
    expect(previewAppName("web-a1b2c3", "pr-42")).toBe("web-pr-42");
    const long = previewAppName(`${"x".repeat(70)}-a1b2c3`, "pr-4242424242");
    expect(long.length + 7).toBeLessThanOrEqual(63);
    expect(long.endsWith("-pr-4242424242")).toBe(true);
    expect(previewVolumeName("web-data", "pr-42")).toBe("web-data-pr-42");
    expect(previewVolumeName("v".repeat(70), "pr-42").length).toBe(63);
  });
});
