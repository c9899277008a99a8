/**
 * Debian's Distribution registry in token mode (`auth: token:`), with a small token server on
 * loopback that signs JWTs (RS256, x5c) with a key and certificate made for the run.
 * Users: ci may push and pull; reader may pull; noscope gets tokens without any access.
 */
import { execFile } from "node:child_process";
import { createSign, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { type Distribution, startDistribution } from "./rig";

const run = promisify(execFile);

export const TOKEN_USERS = { ci: "ci-pass-1", reader: "reader-pass-2", noscope: "noscope-pass-3" } as const;
const GRANTS: Record<string, readonly string[]> = { ci: ["pull", "push"], reader: ["pull"], noscope: [] };

export interface TokenRegistry {
  readonly host: string;
  stop(): Promise<void>;
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

export async function startTokenRegistry(): Promise<TokenRegistry> {
  const root = await mkdtemp("/tmp/treg-");
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=dokploy-deploy test token issuer",
    "-keyout",
    join(root, "key.pem"),
    "-out",
    join(root, "cert.pem"),
  ]);
  const key = await readFile(join(root, "key.pem"), "utf8");
  const certDer = (await readFile(join(root, "cert.pem"), "utf8")).replace(/-----[^-]+-----|\s/g, "");
  const service = "test-registry";
  const issuer = "test-issuer";

  const tokenServer: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const auth = req.headers.authorization;
    let user = "";
    if (auth?.startsWith("Basic ")) {
      const [name = "", password] = Buffer.from(auth.slice(6), "base64").toString().split(":");
      if (TOKEN_USERS[name as keyof typeof TOKEN_USERS] !== password) {
        res.writeHead(401, { "content-type": "application/json" }).end('{"details":"invalid credentials"}');
        return;
      }
      user = name;
    }
    const access = url.searchParams.getAll("scope").flatMap((scope) => {
      const [type, name, actions] = scope.split(":");
      const allowed = (actions ?? "").split(",").filter((a) => (GRANTS[user] ?? []).includes(a));
      return type === "repository" && name ? [{ type, name, actions: allowed }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ typ: "JWT", alg: "RS256", x5c: [certDer] }));
    const claims = b64url(
      JSON.stringify({
        iss: issuer,
        sub: user,
        aud: service,
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomBytes(8).toString("hex"),
        access,
      }),
    );
    const signature = createSign("RSA-SHA256").update(`${header}.${claims}`).sign(key).toString("base64url");
    const token = `${header}.${claims}.${signature}`;
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, "127.0.0.1", resolve));
  const realm = `http://127.0.0.1:${String((tokenServer.address() as AddressInfo).port)}/token`;

  let registry: Distribution;
  try {
    registry = await startDistribution(root, [
      "token:",
      `  realm: ${realm}`,
      `  service: ${service}`,
      `  issuer: ${issuer}`,
      `  rootcertbundle: ${join(root, "cert.pem")}`,
    ]);
  } catch (error) {
    await new Promise((resolve) => tokenServer.close(resolve));
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  const { host } = registry;
  const stop = async () => {
    await registry.stop();
    await new Promise((resolve) => tokenServer.close(resolve));
  };
  return { host, stop };
}
