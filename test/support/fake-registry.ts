/**
 * A small registry for unit tests of the pull check: the v2 manifest endpoint behind a Basic or
 * a Bearer-token challenge (token service included), with per-user grants. The integration tests
 * use the real Distribution registry instead.
 */
import { createHash } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeManifest {
  readonly mediaType: string;
  readonly body: string;
}

export interface FakeRegistryOptions {
  readonly auth: "none" | "basic" | "bearer";
  /** user -> password */
  readonly users: Readonly<Record<string, string>>;
  /** user (or "" for anonymous) -> repositories they may pull */
  readonly grants: Readonly<Record<string, readonly string[]>>;
  /** "repo:tag" -> manifest */
  readonly manifests: Readonly<Record<string, FakeManifest>>;
  /** Leave Docker-Content-Digest out of HEAD answers. */
  readonly noDigestHeader?: boolean;
  /** Send this as Docker-Content-Digest in every answer, whatever the manifest is. */
  readonly digestHeader?: string;
}

export function digestOf(body: string): string {
  return `sha256:${createHash("sha256").update(body).digest("hex")}`;
}

export class FakeRegistry {
  private server?: Server;
  host = "";
  readonly requests: { method: string; path: string; authorization?: string }[] = [];
  /** "repo:tag" -> manifest, as PUT by clients (Basic auth only); served like the given ones. */
  readonly put = new Map<string, FakeManifest>();

  constructor(readonly options: FakeRegistryOptions) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.host = `127.0.0.1:${String((this.server.address() as AddressInfo).port)}`;
    return this.host;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private user(authorization: string | undefined): string | undefined {
    if (!authorization?.startsWith("Basic ")) return undefined;
    const [user, password] = Buffer.from(authorization.slice(6), "base64").toString().split(":");
    return user !== undefined && this.options.users[user] === password ? user : undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", `http://${this.host}`);
    const authorization = req.headers.authorization;
    this.requests.push({ method: req.method ?? "", path: url.pathname + url.search, authorization });
    if (url.pathname === "/token") {
      if (authorization && this.user(authorization) === undefined) {
        res.writeHead(401, { "content-type": "application/json" }).end('{"details":"incorrect username or password"}');
        return;
      }
      const who = this.user(authorization) ?? "";
      const repo = /^repository:(.+):pull$/.exec(url.searchParams.get("scope") ?? "")?.[1] ?? "";
      const allowed = (this.options.grants[who] ?? []).includes(repo);
      const token = Buffer.from(JSON.stringify({ who, repo: allowed ? repo : null })).toString("base64url");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token }));
      return;
    }
    if (url.pathname === "/v2/") {
      // The API's base: what docker login asks, behind the same challenge (no scope).
      const header =
        this.options.auth === "basic"
          ? 'Basic realm="fake"'
          : `Bearer realm="http://${this.host}/token",service="fake-registry"`;
      const ok =
        this.options.auth === "none" ||
        (this.options.auth === "basic" ? this.user(authorization) !== undefined : authorization?.startsWith("Bearer "));
      if (ok) res.writeHead(200, { "content-type": "application/json" }).end("{}");
      else res.writeHead(401, { "www-authenticate": header }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    const match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const repo = match[1] ?? "";
    const tag = match[2] ?? "";
    const challenge = () => {
      const header =
        this.options.auth === "basic"
          ? 'Basic realm="fake"'
          : `Bearer realm="http://${this.host}/token",service="fake-registry",scope="repository:${repo}:pull"`;
      res
        .writeHead(401, { "www-authenticate": header, "content-type": "application/json" })
        .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    };
    if (this.options.auth === "basic") {
      const who = this.user(authorization);
      if (who === undefined || !(this.options.grants[who] ?? []).includes(repo)) return challenge();
    } else if (this.options.auth === "bearer") {
      if (!authorization?.startsWith("Bearer ")) return challenge();
      const claims = JSON.parse(Buffer.from(authorization.slice(7), "base64url").toString()) as { repo: string | null };
      if (claims.repo !== repo) {
        res
          .writeHead(401, {
            "www-authenticate": `Bearer realm="http://${this.host}/token",service="fake-registry",scope="repository:${repo}:pull",error="insufficient_scope"`,
          })
          .end();
        return;
      }
    }
    if (req.method === "PUT") {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString();
        this.put.set(`${repo}:${tag}`, { mediaType: req.headers["content-type"] ?? "", body });
        res.writeHead(201, { "docker-content-digest": this.options.digestHeader ?? digestOf(body) }).end();
      });
      return;
    }
    const manifest = this.options.manifests[`${repo}:${tag}`] ?? this.put.get(`${repo}:${tag}`);
    const accept = req.headers.accept ?? "";
    if (!manifest || !accept.includes(manifest.mediaType)) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      return;
    }
    const headers: Record<string, string> = { "content-type": manifest.mediaType };
    if (!(this.options.noDigestHeader && req.method === "HEAD"))
      headers["docker-content-digest"] = this.options.digestHeader ?? digestOf(manifest.body);
    res.writeHead(200, headers).end(req.method === "HEAD" ? undefined : manifest.body);
  }
}
