/**
 * The GitHub API port over Octokit against GitHub's API on loopback: the comment lookup is
 * bounded in pages and time, stops when told, and never sends the token to another origin.
 */
import { type IncomingHttpHeaders, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { COMMENT_PAGES, GithubCalls, octokitApi } from "../../src/github/api";
import { GithubApiStandIn } from "../support/github-api-stand-in";
import { MemoryLogger } from "../support/loggers";

const TOKEN = "ghs_unitApi0123456789abcdef";
const REPO = { owner: "acme", repo: "web" };
const github = new GithubApiStandIn(TOKEN);
const seenElsewhere: IncomingHttpHeaders[] = [];
const other = createServer((req, res) => {
  seenElsewhere.push(req.headers);
  res.writeHead(200, { "content-type": "application/json" }).end("[]");
});

beforeAll(async () => {
  await github.start();
  await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
  // @actions/github reads its base URL when it loads, at the first call.
  process.env.GITHUB_API_URL = github.url;
});
afterAll(async () => {
  delete process.env.GITHUB_API_URL;
  await github.stop();
  await new Promise<void>((resolve) => other.close(() => resolve()));
});
afterEach(() => {
  github.commentsFault = undefined;
  github.calls.length = 0;
});

const never = new AbortController().signal;
const comments = () => github.calls.filter((c) => c.method === "GET" && c.path.endsWith("/comments"));

describe("the comment lookup", () => {
  it("reads at most COMMENT_PAGES pages when every page says there is a next one", async () => {
    github.commentsFault = { kind: "loop" };
    const api = await octokitApi(TOKEN, REPO, 30_000, never);
    await expect(api.findComment(5, (c) => c.body.includes("<!-- ours -->"))).rejects.toThrow(
      `the pull request's comments go on past ${String(COMMENT_PAGES)} pages`,
    );
    expect(comments()).toHaveLength(COMMENT_PAGES);
  });

  it("asks GitHub's own origin for every page, whatever origin the next link names", async () => {
    const { port } = other.address() as AddressInfo;
    github.commentsFault = { kind: "elsewhere", url: `http://127.0.0.1:${String(port)}` };
    const api = await octokitApi(TOKEN, REPO, 30_000, never);
    const found = await api.findComment(5, () => false).catch((error: unknown) => error);
    expect(seenElsewhere).toEqual([]);
    expect(String(found)).toMatch(/past \d+ pages/);
    expect(comments().every((c) => c.authorization === `token ${TOKEN}`)).toBe(true);
  });

  it("gives up within the request timeout when GitHub never answers", async () => {
    github.commentsFault = { kind: "hold" };
    const api = await octokitApi(TOKEN, REPO, 300, never);
    await expect(api.findComment(5, () => false)).rejects.toThrow(/timeout/);
  });

  it("stops at once when told to, and the warning says so", async () => {
    github.commentsFault = { kind: "hold" };
    const stop = new AbortController();
    const logger = new MemoryLogger();
    const calls = new GithubCalls(() => octokitApi(TOKEN, REPO, 600_000, stop.signal), logger, stop.signal);
    const asked = calls.attempt("comment on the pull request", async (api) => {
      await api.findComment(5, () => false);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop.abort("SIGTERM");
    await asked;
    expect(logger.lines).toEqual([
      "warn: Could not comment on the pull request (stopped: SIGTERM); the deploy goes on without it.",
    ]);
    await calls.attempt("set the GitHub deployment's status", () => Promise.resolve());
    expect(logger.lines.at(-1)).toBe(
      "warn: Could not set the GitHub deployment's status (stopped: SIGTERM); the deploy goes on without it.",
    );
  });
});

describe("whom the token acts as", () => {
  it("is GraphQL's viewer: for an installation token, its app's bot, the author of its comments", async () => {
    const api = await octokitApi(TOKEN, REPO, 30_000, never);
    expect(await api.login()).toBe("github-actions[bot]");
    await api.createComment(6, "<!-- ours -->");
    github.addComment(6, "<!-- ours --> copied", "mallory");
    const found = await api.findComment(6, (c) => c.author === "mallory");
    expect(found).toMatchObject({ body: "<!-- ours --> copied", author: "mallory" });
    expect(github.comments.get(6)?.[0]?.user.login).toBe("github-actions[bot]");
  });
});
