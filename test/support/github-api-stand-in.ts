/**
 * GitHub's REST API on loopback, for the endpoints the action uses (deployments, their statuses,
 * issue comments, a commit's pull requests), with the shapes, status codes and pagination
 * GitHub's documentation gives. Records every call; a test can make an endpoint fail, or make
 * the comment listing misbehave as a broken proxy would.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";

export interface GithubCall {
  readonly method: string;
  /** Path without the query, e.g. /repos/acme/web/deployments. */
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: Record<string, unknown> | undefined;
  readonly authorization: string | undefined;
  /** Date.now() when it arrived. */
  readonly at: number;
}

export interface StoredComment {
  readonly id: number;
  body: string;
  readonly user: { readonly login: string; readonly type: string };
}

interface Failure {
  readonly method: string;
  readonly path: RegExp;
  readonly status: number;
  times: number;
}

/**
 * How the comment listing misbehaves: never answers; says there is a next page forever; or
 * points its next page at another origin.
 */
export type CommentsFault =
  { readonly kind: "hold" } | { readonly kind: "loop" } | { readonly kind: "elsewhere"; readonly url: string };

const STATES = new Set(["error", "failure", "inactive", "in_progress", "queued", "pending", "success"]);
const DOCS = "https://docs.github.com/rest";

export class GithubApiStandIn {
  readonly calls: GithubCall[] = [];
  /** Comments by issue number. */
  readonly comments = new Map<number, StoredComment[]>();
  /** Deployments as created, oldest first. */
  readonly deployments: { id: number; environment: string; body: Record<string, unknown> }[] = [];
  /** Open and closed pull requests by commit SHA. */
  readonly pullsOfCommit = new Map<string, { number: number; state: string }[]>();
  /** Set by a test: the comment listing misbehaves. */
  commentsFault: CommentsFault | undefined;
  private readonly failures: Failure[] = [];
  private nextId = 1000;
  private server: Server | undefined;
  url = "";

  /**
   * `login` is who the token acts as (GraphQL's viewer), and the author of the comments it
   * writes: an installation token, as GITHUB_TOKEN is, acts as its app's bot.
   */
  constructor(
    private readonly token: string,
    readonly login = "github-actions[bot]",
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${String(typeof address === "object" && address ? address.port : 0)}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Answers `status` to the next `times` calls of `method` on paths matching `path`. */
  fail(method: string, path: RegExp, status: number, times = Infinity): void {
    this.failures.push({ method, path, status, times });
  }

  /** Adds a comment written by someone (or something) else. */
  addComment(issue: number, body: string, login = "someone"): StoredComment {
    const comment = { id: this.nextId++, body, user: { login, type: login.endsWith("[bot]") ? "Bot" : "User" } };
    this.comments.set(issue, [...(this.comments.get(issue) ?? []), comment]);
    return comment;
  }

  /** Calls as "METHOD /path", in order. */
  summary(): string[] {
    return this.calls.map((c) => `${c.method} ${c.path}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    let text = "";
    for await (const chunk of req) text += (chunk as Buffer).toString("utf8");
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    const call: GithubCall = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: req.headers.authorization,
      at: Date.now(),
    };
    this.calls.push(call);
    const send = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(value));
    };
    if (call.authorization !== `token ${this.token}`) {
      send(401, { message: "Bad credentials", documentation_url: DOCS, status: "401" });
      return;
    }
    const failure = this.failures.find((f) => f.times > 0 && f.method === call.method && f.path.test(call.path));
    if (failure) {
      failure.times -= 1;
      const message = failure.status === 403 ? "Resource not accessible by integration" : "Server Error";
      send(failure.status, { message, documentation_url: DOCS, status: String(failure.status) });
      return;
    }
    this.route(call, url, send);
  }

  private route(
    call: GithubCall,
    url: URL,
    send: (status: number, value: unknown, headers?: Record<string, string>) => void,
  ): void {
    const { method, path, body = {} } = call;
    const repo = /^\/repos\/([^/]+)\/([^/]+)/.exec(path);
    const base = repo ? `${this.url}/repos/${repo[1] ?? ""}/${repo[2] ?? ""}` : this.url;
    let m: RegExpExecArray | null;
    if (method === "POST" && /^\/repos\/[^/]+\/[^/]+\/deployments$/.test(path)) {
      if (typeof body.ref !== "string" || body.ref === "") {
        send(422, { message: 'Invalid request.\n\n"ref" wasn\'t supplied.', documentation_url: DOCS, status: "422" });
        return;
      }
      const id = this.nextId++;
      this.deployments.push({ id, environment: String(body.environment ?? "production"), body });
      send(201, {
        id,
        url: `${base}/deployments/${String(id)}`,
        sha: body.ref,
        ref: body.ref,
        task: body.task ?? "deploy",
        payload: body.payload ?? {},
        environment: body.environment ?? "production",
        description: body.description ?? null,
        statuses_url: `${base}/deployments/${String(id)}/statuses`,
        created_at: new Date().toISOString(),
      });
    } else if (method === "GET" && /^\/repos\/[^/]+\/[^/]+\/deployments$/.test(path)) {
      // Newest first, filtered by environment when asked; one page of per_page (30 by default, at most 100).
      const environment = url.searchParams.get("environment");
      const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
      const listed = this.deployments
        .filter((d) => environment === null || d.environment === environment)
        .reverse()
        .slice(0, perPage)
        .map((d) => ({
          id: d.id,
          url: `${base}/deployments/${String(d.id)}`,
          ref: d.body.ref,
          environment: d.environment,
          transient_environment: d.body.transient_environment ?? false,
          production_environment: d.body.production_environment ?? d.environment === "production",
        }));
      send(200, listed);
    } else if (method === "POST" && (m = /^\/repos\/[^/]+\/[^/]+\/deployments\/(\d+)\/statuses$/.exec(path))) {
      if (!STATES.has(String(body.state))) {
        send(422, { message: "Validation Failed", errors: [{ field: "state", code: "invalid" }], status: "422" });
        return;
      }
      send(201, { id: this.nextId++, state: body.state, deployment_url: `${base}/deployments/${m[1] ?? ""}` });
    } else if (method === "POST" && path === "/graphql") {
      if (!/^\s*(query\s*)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/.test(String(body.query))) {
        send(200, { data: null, errors: [{ message: "This stand-in answers only { viewer { login } }" }] });
        return;
      }
      send(200, { data: { viewer: { login: this.login } } });
    } else if (method === "GET" && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(path))) {
      if (this.commentsFault) {
        this.misbehave(this.commentsFault, url, send);
        return;
      }
      const all = this.comments.get(Number(m[1])) ?? [];
      const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
      const page = Number(url.searchParams.get("page") ?? 1);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const headers: Record<string, string> = {};
      if (page < last) {
        const next = new URL(url);
        next.searchParams.set("page", String(page + 1));
        const end = new URL(url);
        end.searchParams.set("page", String(last));
        headers.link = `<${next.toString()}>; rel="next", <${end.toString()}>; rel="last"`;
      }
      send(200, all.slice((page - 1) * perPage, page * perPage), headers);
    } else if (method === "POST" && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(path))) {
      send(201, this.addComment(Number(m[1]), String(body.body), this.login));
    } else if (method === "PATCH" && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path))) {
      const comment = [...this.comments.values()].flat().find((c) => c.id === Number(m?.[1]));
      if (!comment) {
        send(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
        return;
      }
      comment.body = String(body.body);
      send(200, comment);
    } else if (method === "GET" && (m = /^\/repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]+)\/pulls$/.exec(path))) {
      send(200, this.pullsOfCommit.get(m[1] ?? "") ?? []);
    } else {
      send(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
    }
  }

  private misbehave(
    fault: CommentsFault,
    url: URL,
    send: (status: number, value: unknown, headers?: Record<string, string>) => void,
  ): void {
    if (fault.kind === "hold") return; // no answer, ever
    const page = Number(url.searchParams.get("page") ?? 1);
    const full = Array.from({ length: 100 }, (_, i) => ({
      id: page * 1000 + i,
      body: `comment ${String(i)} of page ${String(page)}`,
      user: { login: "someone", type: "User" },
    }));
    const next = new URL(fault.kind === "elsewhere" ? `${fault.url}${url.pathname}` : url);
    next.searchParams.set("page", String(page + 1));
    send(200, full, { link: `<${next.toString()}>; rel="next"` });
  }
}
