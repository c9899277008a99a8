/**
 * A registry (or a proxy in front of it) that answers a manifest with a Docker-Content-Digest
 * that is no digest, run against the bundled action and CLI with pin-digest: nothing of it may
 * reach Dokploy (an application's image, a compose service's env, where compose would expand
 * `${…}`), the outputs or the summary; the run fails and says where the digest came from.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAction } from "../support/action";
import { DEPLOY_ONLY, dokployOf, useStandIn } from "../support/fixtures";
import { printed } from "../support/run-checks";
import { tempDir } from "../support/temp";
import { errorAnnotations } from "../support/workflow-commands";

const API_KEY = `MARKER-API-${randomBytes(10).toString("hex")}`;
const standIn = useStandIn({ apiKey: API_KEY });
const CLI = process.env.CLI_BUNDLE ?? resolve(import.meta.dirname, "../../dist/cli/index.js");
const HOSTILE = `sha256:0d1f\`**x**\` \${DB_PASSWORD} # @octocat`;
const MANIFEST = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json" });

/** Answers every manifest read with the hostile digest; nothing else is there. */
let registry: Server;
let registryHost = "";

beforeAll(async () => {
  registry = createServer((req, res) => {
    if (!/^\/v2\/.+\/manifests\//.test(req.url ?? "")) {
      res.writeHead(req.url === "/v2/" ? 200 : 404).end();
      return;
    }
    res
      .writeHead(200, {
        "content-type": "application/vnd.oci.image.manifest.v1+json",
        "docker-content-digest": HOSTILE,
        "content-length": String(Buffer.byteLength(MANIFEST)),
      })
      .end(req.method === "HEAD" ? undefined : MANIFEST);
  });
  await new Promise<void>((done) => registry.listen(0, "127.0.0.1", done));
  registryHost = `127.0.0.1:${String((registry.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  registry.closeAllConnections();
  await new Promise((done) => registry.close(done));
});

describe("a hostile Docker-Content-Digest with pin-digest", () => {
  it("saves nothing of it into an application and fails naming the registry (action)", async () => {
    const app = standIn().addApplication({ sourceType: "docker", dockerImage: "127.0.0.1:1/app:old" });
    const run = await runAction({
      inputs: {
        ...dokployOf(standIn(), API_KEY),
        "application-id": app.applicationId,
        image: `${registryHost}/hostile/digest`,
        ...DEPLOY_ONLY,
        "verify-pull": "true",
        "pin-digest": "true",
      },
    });
    expect(run.exitCode, run.stdout).toBe(1);
    const error = errorAnnotations(run.stdout);
    expect(error).toContain(`${registryHost}/hostile/digest:v1: the registry gave a malformed digest`);
    expect(standIn().writes()).toEqual([]);
    expect(app.dockerImage).toBe("127.0.0.1:1/app:old");
    expect(run.outputs.digest ?? "").toBe("");
    // The error quotes the value; nowhere is it given as the digest.
    expect(printed(run)).not.toContain(`@${HOSTILE}`);
    expect(run.summary).toContain("| Digest | — |");
  });

  it("leaves a compose service's env as it was (CLI)", async () => {
    const env = "GREETING=hello\nIMAGE=127.0.0.1:1/app:old\nTAG=old\n";
    const compose = standIn().addCompose({ composeFile: "services:\n  web:\n    image: ${IMAGE}\n", env });
    const dir = await tempDir("cli-digest");
    const child = spawn(process.execPath, [CLI], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: dir,
        DOKPLOY_URL: standIn().url,
        DOKPLOY_API_KEY: API_KEY,
        COMPOSE_ID: compose.composeId,
        IMAGE: `${registryHost}/hostile/digest`,
        TAG: "v1",
        BUILD: "false",
        VERIFY_PULL: "true",
        PIN_DIGEST: "true",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number>((done) => child.on("close", (c) => done(c ?? -1)));
    expect(code, output).toBe(1);
    expect(output).toContain(`${registryHost}/hostile/digest:v1: the registry gave a malformed digest`);
    expect(standIn().writes()).toEqual([]);
    expect(standIn().composes.get(compose.composeId)?.env).toBe(env);
    expect(output).not.toContain(`@${HOSTILE}`);
  });
});
