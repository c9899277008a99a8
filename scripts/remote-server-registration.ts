/**
 * Registers the e2e suite's remote server (scripts/remote-server.sh) in the live Dokploy given by
 * DOK_REAL_URL and DOK_REAL_KEY, or removes the registration.
 *
 *   up <name> <address> <port>   the key in $DOK_REMOTE_KEY_FILE (PEM) as an SSH key named <name>,
 *                                 a deploy server named <name> with it; prints the serverId
 *   down <serverId> <name>        removes that server and the SSH keys named <name>
 *
 * Idempotent: a server of that name is reused and pointed at the key and address; keys of that
 * name that are not this key go. The private key travels only in the request body: `sshKey.all`
 * answers with private keys in clear, so nothing of its answers is ever printed.
 */
import { readFile } from "node:fs/promises";

interface SshKey {
  sshKeyId: string;
  name: string;
  publicKey: string;
}

interface Server {
  serverId: string;
  name: string;
}

const url = (process.env.DOK_REAL_URL ?? "").replace(/\/+$/, "");
const apiKey = process.env.DOK_REAL_KEY ?? "";

/** A tRPC call; the error names the procedure and Dokploy's message only. */
async function call<T>(procedure: string, input: unknown, mutation: boolean): Promise<T> {
  const envelope = JSON.stringify({ json: input });
  const res = await fetch(
    mutation ? `${url}/api/trpc/${procedure}` : `${url}/api/trpc/${procedure}?input=${encodeURIComponent(envelope)}`,
    {
      method: mutation ? "POST" : "GET",
      headers: { "x-api-key": apiKey, ...(mutation ? { "content-type": "application/json" } : {}) },
      body: mutation ? envelope : undefined,
      // Dev-mode Dokploy compiles a route on its first call.
      signal: AbortSignal.timeout(120_000),
    },
  );
  const body = (await res.json().catch(() => ({}))) as {
    result?: { data?: { json?: T } };
    error?: { json?: { message?: string } };
  };
  if (!res.ok) throw new Error(`${procedure}: HTTP ${String(res.status)}: ${body.error?.json?.message ?? ""}`);
  return body.result?.data?.json as T;
}

const query = <T>(procedure: string, input: unknown = null) => call<T>(procedure, input, false);
const mutate = <T>(procedure: string, input: unknown) => call<T>(procedure, input, true);

async function keyFor(name: string, privateKey: string, publicKey: string): Promise<string> {
  const ours = () =>
    query<SshKey[]>("sshKey.all").then((keys) => keys.find((k) => k.name === name && k.publicKey === publicKey));
  const found = await ours();
  if (found) return found.sshKeyId;
  // The input must name the organisation, which Dokploy then takes from the API key anyway.
  const organization = await query<{ id: string } | null>("organization.active");
  if (!organization) throw new Error("organization.active: the API key has no organisation");
  // sshKey.create answers nothing: the new key is found by its public half.
  await mutate("sshKey.create", {
    name,
    description: "dokploy-deploy e2e remote server",
    privateKey,
    publicKey,
    organizationId: organization.id,
  });
  const made = await ours();
  if (!made) throw new Error("sshKey.create: the new key is not in sshKey.all");
  return made.sshKeyId;
}

async function up(name: string, ipAddress: string, port: number): Promise<string> {
  const keyFile = process.env.DOK_REMOTE_KEY_FILE ?? "";
  const privateKey = await readFile(keyFile, "utf8");
  const publicKey = (await readFile(`${keyFile}.pub`, "utf8")).trim();
  const sshKeyId = await keyFor(name, privateKey, publicKey);
  const fields = {
    name,
    description: "dokploy-deploy e2e: a second engine on this machine, over SSH on loopback",
    ipAddress,
    port,
    username: "root",
    sshKeyId,
    serverType: "deploy",
    enableDockerCleanup: false,
  };
  const existing = (await query<Server[]>("server.all")).find((s) => s.name === name);
  let serverId: string;
  if (existing) {
    await mutate("server.update", { serverId: existing.serverId, ...fields });
    serverId = existing.serverId;
  } else {
    serverId = (await mutate<Server>("server.create", fields)).serverId;
  }
  // Keys of ours from earlier runs (their private half is gone with that run's state).
  for (const key of await query<SshKey[]>("sshKey.all")) {
    if (key.name === name && key.sshKeyId !== sshKeyId) await mutate("sshKey.remove", { sshKeyId: key.sshKeyId });
  }
  return serverId;
}

async function down(serverId: string, name: string): Promise<void> {
  await mutate("server.remove", { serverId });
  for (const key of await query<SshKey[]>("sshKey.all")) {
    if (key.name === name) await mutate("sshKey.remove", { sshKeyId: key.sshKeyId });
  }
}

const [command, ...args] = process.argv.slice(2);
try {
  if (!url || !apiKey) throw new Error("DOK_REAL_URL and DOK_REAL_KEY name the live Dokploy");
  if (command === "up" && args.length === 3) {
    console.log(await up(args[0] ?? "", args[1] ?? "", Number(args[2])));
  } else if (command === "down" && args.length === 2) {
    await down(args[0] ?? "", args[1] ?? "");
  } else {
    throw new Error("usage: remote-server-registration.ts up <name> <address> <port> | down <serverId> <name>");
  }
} catch (error) {
  console.error(`[remote-server] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
