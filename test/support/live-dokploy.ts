/**
 * A live Dokploy's own API (tRPC, x-api-key), for the e2e tests: they make their own
 * applications with it and read back what the server holds. Answers may carry passwords in
 * clear: tests compare them and never print them.
 */

import { WebSocket } from "undici";
import { READ_LOGS_SINCE, isOlderThan } from "../../src/dokploy/version";

export interface LiveApplication {
  applicationId: string;
  appName: string;
  sourceType: string | null;
  applicationStatus: string | null;
  dockerImage: string | null;
  username: string | null;
  password: string | null;
  registryUrl: string | null;
  registryId: string | null;
  serverId: string | null;
}

export interface LiveDeployment {
  deploymentId: string;
  title: string | null;
  description: string | null;
  status: string;
  logPath: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface LiveRegistry {
  registryId: string;
  registryName: string;
  username: string;
  password: string;
  registryUrl: string;
  createdAt: string;
}

/** Dev-mode Dokploy compiles a route on its first request (11-15 s): be patient. */
const REQUEST_TIMEOUT_MS = 60_000;

/** How long the log socket stays quiet before the whole (finished) log is taken as read. */
const LOG_QUIET_MS = 2_000;

export class LiveDokploy {
  constructor(
    readonly url: string,
    private readonly apiKey: string,
    /** The server's version ("v0.28.8"); empty when not known, taken as the newest. */
    private readonly serverVersion = "",
  ) {}

  private async call<T>(procedure: string, input: unknown, mutation: boolean): Promise<T> {
    const envelope = JSON.stringify({ json: input });
    const res = await fetch(
      mutation
        ? `${this.url}/api/trpc/${procedure}`
        : `${this.url}/api/trpc/${procedure}?input=${encodeURIComponent(envelope)}`,
      {
        method: mutation ? "POST" : "GET",
        headers: { "x-api-key": this.apiKey, ...(mutation ? { "content-type": "application/json" } : {}) },
        body: mutation ? envelope : undefined,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      },
    );
    const text = await res.text();
    let body: { result?: { data?: { json?: T } }; error?: { json?: { message?: string } } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`${procedure}: HTTP ${String(res.status)}, not JSON: ${text.slice(0, 200)}`);
    }
    if (!res.ok) throw new Error(`${procedure}: HTTP ${String(res.status)}: ${body.error?.json?.message ?? text}`);
    return body.result?.data?.json as T;
  }

  query<T>(procedure: string, input: unknown = null): Promise<T> {
    return this.call<T>(procedure, input, false);
  }

  mutate<T>(procedure: string, input: unknown): Promise<T> {
    return this.call<T>(procedure, input, true);
  }

  version(): Promise<string> {
    return this.query<string>("settings.getDokployVersion");
  }

  /** An application, on the remote server `serverId` when given (else on the Dokploy host). */
  async createApplication(environmentId: string, name: string, serverId?: string): Promise<LiveApplication> {
    const created = await this.mutate<{ applicationId: string }>("application.create", {
      name,
      environmentId,
      ...(serverId ? { serverId } : {}),
    });
    return this.application(created.applicationId);
  }

  /** Sets columns of the application (application.update takes any of them). */
  async updateApplication(applicationId: string, columns: Record<string, unknown>): Promise<void> {
    await this.mutate("application.update", { applicationId, ...columns });
  }

  /** Deletes the application and its swarm service. */
  async deleteApplication(applicationId: string): Promise<void> {
    await this.mutate("application.delete", { applicationId });
  }

  application(applicationId: string): Promise<LiveApplication> {
    return this.query<LiveApplication>("application.one", { applicationId });
  }

  /** Newest first. */
  deployments(applicationId: string): Promise<LiveDeployment[]> {
    return this.query<LiveDeployment[]>("deployment.all", { applicationId });
  }

  /**
   * The last lines of a finished deployment's log, as Dokploy reads them: deployment.readLogs,
   * or on a server without it the socket its dashboard shows the log with.
   */
  deploymentLog(row: Pick<LiveDeployment, "deploymentId" | "logPath">): Promise<string> {
    if (isOlderThan(this.serverVersion, READ_LOGS_SINCE) === true) return this.socketLog(row.logPath ?? "");
    return this.query<string>("deployment.readLogs", { deploymentId: row.deploymentId, tail: 200 });
  }

  /** /listen-deployment sends the file from its first line and never closes: read until it is quiet. */
  private socketLog(logPath: string): Promise<string> {
    const url = new URL(`${this.url}/listen-deployment`);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("logPath", logPath);
    const socket = new WebSocket(url, { headers: { "x-api-key": this.apiKey } });
    let text = "";
    return new Promise<string>((resolve, reject) => {
      let quiet: NodeJS.Timeout | undefined;
      const giveUp = setTimeout(() => {
        finish(new Error(`listen-deployment ${logPath}: still sending after ${String(REQUEST_TIMEOUT_MS)} ms`));
      }, REQUEST_TIMEOUT_MS);
      const finish = (error?: Error) => {
        clearTimeout(quiet);
        clearTimeout(giveUp);
        socket.close();
        if (error) reject(error);
        else resolve(text.split("\n").slice(-200).join("\n"));
      };
      const wait = () => {
        clearTimeout(quiet);
        quiet = setTimeout(finish, LOG_QUIET_MS);
      };
      socket.addEventListener("open", wait);
      socket.addEventListener("message", (event) => {
        text += String(event.data);
        wait();
      });
      socket.addEventListener("close", (event) => {
        if (text === "") finish(new Error(`listen-deployment ${logPath}: closed with code ${String(event.code)}`));
      });
    });
  }

  registries(): Promise<LiveRegistry[]> {
    return this.query<LiveRegistry[]>("registry.all");
  }

  async removeRegistry(registryId: string): Promise<void> {
    await this.mutate("registry.remove", { registryId });
  }

  /** Removes every registry entry for a host (the tests' own registries only). */
  async removeRegistriesFor(host: string): Promise<void> {
    for (const entry of await this.registries()) {
      if (entry.registryUrl === host) await this.removeRegistry(entry.registryId);
    }
  }

  /** Waits until `check` holds for the application's deployments; returns them. */
  async waitForDeployments(
    applicationId: string,
    check: (rows: LiveDeployment[]) => boolean,
    timeoutMs = 60_000,
  ): Promise<LiveDeployment[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.deployments(applicationId);
      if (check(rows) || Date.now() > deadline) return rows;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
