/**
 * Masking against the bundled action and CLI: a secret a server echoes where its answer is cut
 * or in an HTML error page, passwords in the URLs of the inputs, and a pull password read from
 * Dokploy that is a common word.
 */
import { randomBytes } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, inject, it } from "vitest";
import { runAction } from "../support/action";
import { DEPLOY_ONLY } from "../support/fixtures";
import { printed } from "../support/run-checks";
import { errorAnnotations } from "../support/workflow-commands";

const rig = inject("rig");
const API_KEY = `MARKER-API-${randomBytes(10).toString("hex")}`;

function html(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A server in front of nothing: every request gets what `answer` writes. */
let server: Server | undefined;
async function serve(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(answer);
  await new Promise<void>((done) => server?.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  server = undefined;
});

/** Inputs that deploy an image already pushed, to `url` with `key`. */
function deployOnly(url: string, key: string): Record<string, string> {
  return {
    "dokploy-url": url,
    "dokploy-api-key": key,
    "application-id": "app-1",
    image: `${rig.registryHost}/hostile/masking`,
    ...DEPLOY_ONLY,
  };
}

describe("a secret where an answer is cut", () => {
  it("shows nothing of an API key an error body echoes across its 300-character cut", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" }).end(`${"x".repeat(290)}${API_KEY} and more`);
    });
    const run = await runAction({ inputs: deployOnly(url, API_KEY) });
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run.stdout)).toContain("application.one (HTTP 500)");
    expect(printed(run)).not.toContain(API_KEY.slice(0, 8));
  });
});

describe("a secret in an HTML error page", () => {
  it("masks the HTML-escaped form of the API key in an echoed error page", async () => {
    const key = `MARKER-API-${randomBytes(6).toString("hex")}&<b>"q'`;
    const url = await serve((req, res) => {
      const page = `<html><body><pre>${html(`x-api-key: ${String(req.headers["x-api-key"])}`)}</pre></body></html>`;
      res.writeHead(500, { "content-type": "text/html" }).end(page);
    });
    const run = await runAction({ inputs: deployOnly(url, key) });
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run.stdout)).toContain("x-api-key: ***");
    for (const form of [key, html(key), "MARKER-API"]) expect(printed(run)).not.toContain(form);
  });
});
