/**
 * A loopback stand-in for a Git hosting service (gitlab.com, bitbucket.org): bare repositories
 * under one directory, served over git's smart HTTP protocol by `git http-backend` (clone,
 * ls-remote, partial clone, and push with HTTP Basic auth), plus GitLab's raw file URLs
 * (`/<project>/-/raw/<ref>/<path>`) for `include: remote:`.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { tempDir } from "./temp";

const run = promisify(execFile);

export interface GitServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** 127.0.0.1:<port>, as GitLab's CI_SERVER_FQDN. */
  readonly host: string;
  readonly user: string;
  /** The only password a push is accepted with. */
  readonly token: string;
  /** Every request: method, path and whether it carried credentials. */
  readonly requests: { method: string; path: string; authorization: string }[];
  /** Creates an empty bare repository, e.g. acme/dokploy-deploy (served as acme/dokploy-deploy.git). */
  createProject(path: string): Promise<void>;
  /** The bare repository's directory. */
  gitDir(path: string): string;
  stop(): Promise<void>;
}

function parseCgi(output: Buffer): { status: number; headers: [string, string][]; body: Buffer } {
  let end = output.indexOf("\r\n\r\n");
  let skip = 4;
  if (end < 0) {
    end = output.indexOf("\n\n");
    skip = 2;
  }
  const head = output.subarray(0, end).toString("latin1");
  const headers: [string, string][] = [];
  let status = 200;
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]);
    else headers.push([name, value]);
  }
  return { status, headers, body: output.subarray(end + skip) };
}

function basicPassword(header: string | undefined, user: string): string | undefined {
  const match = /^Basic (.+)$/.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const [name, ...rest] = Buffer.from(match[1], "base64").toString("utf8").split(":");
  return name === user ? rest.join(":") : undefined;
}

async function serveGit(root: string, req: IncomingMessage, res: ServerResponse, user?: string): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: decodeURIComponent(url.pathname),
    REQUEST_METHOD: req.method ?? "GET",
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    REMOTE_ADDR: "127.0.0.1",
  };
  if (req.headers["content-encoding"]) env.HTTP_CONTENT_ENCODING = req.headers["content-encoding"];
  if (req.headers["git-protocol"]) env.GIT_PROTOCOL = String(req.headers["git-protocol"]);
  if (user) env.REMOTE_USER = user;
  const backend = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "inherit"] });
  req.pipe(backend.stdin);
  const chunks: Buffer[] = [];
  backend.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  await new Promise<void>((done) => backend.on("close", () => done()));
  const { status, headers, body } = parseCgi(Buffer.concat(chunks));
  res.writeHead(status, headers);
  res.end(body);
}

async function serveRaw(root: string, path: string, res: ServerResponse): Promise<void> {
  // /<group>/<project>/-/raw/<ref>/<file>
  const match = /^\/(.+?)\/-\/raw\/([^/]+)\/(.+)$/.exec(path);
  if (!match) {
    res.writeHead(404).end("not found");
    return;
  }
  const [, project = "", ref = "", file = ""] = match;
  try {
    const { stdout } = await run("git", ["--git-dir", join(root, `${project}.git`), "show", `${ref}:${file}`]);
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(stdout);
  } catch {
    res.writeHead(404).end("not found");
  }
}

export async function startGitServer(user = "publisher"): Promise<GitServer> {
  const root = await tempDir("git-server");
  const token = `MARKER-GIT-${randomBytes(12).toString("hex")}`;
  const requests: GitServer["requests"] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    requests.push({ method: req.method ?? "", path, authorization: req.headers.authorization ?? "" });
    const pushing = path.endsWith("/git-receive-pack") || (req.url ?? "").includes("service=git-receive-pack");
    if (pushing && basicPassword(req.headers.authorization, user) !== token) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' }).end("authentication required");
      return;
    }
    const handle = /\.git\//.test(path)
      ? serveGit(root, req, res, pushing ? user : undefined)
      : serveRaw(root, path, res);
    handle.catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${String(port)}`;
  const gitDir = (path: string) => join(root, `${path}.git`);
  return {
    url: `http://${host}`,
    host,
    user,
    token,
    requests,
    gitDir,
    async createProject(path) {
      await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", gitDir(path)]);
      // What gitlab-ci-local's partial clones of includes and components ask for.
      await run("git", ["--git-dir", gitDir(path), "config", "uploadpack.allowFilter", "true"]);
      await run("git", ["--git-dir", gitDir(path), "config", "uploadpack.allowAnySHA1InWant", "true"]);
    },
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
