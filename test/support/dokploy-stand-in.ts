/**
 * A stand-in for a Dokploy v0.30.2 server, following ../shared/dokploy-api.md and the recorded
 * transcripts: both transports (tRPC at /api/trpc/<proc>, OpenAPI at /api/<proc>), their
 * envelopes, error shapes, order of checks, status codes, required-but-nullable keys, the
 * registryUrl rule, server-side docker login (checked against the real registry over its v2
 * API), deployments whose rows appear when the job starts and then end, the deployment's live
 * log (/listen-deployment) and a task's output (/docker-container-logs, see
 * stand-in-container-logs.ts). It records every call and can inject faults.
 */
import { createHash, randomBytes } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { z } from "zod";
import { READ_LOGS_SINCE, isOlderThan } from "../../src/dokploy/version";
import { composeServices, stackLog } from "./stand-in-compose";
import {
  CONTAINER_LOGS_PATH,
  type ContainerLogConnection,
  FIRST_FRAME_MS,
  type TaskOutput,
  acceptKey,
  acceptedParameters,
  closeFrame,
  frame,
  serviceLogsText,
  switchingProtocols,
} from "./stand-in-container-logs";
import { PREVIEW_QUERIES, PREVIEW_SCHEMAS, PreviewStandIn } from "./stand-in-preview";
import { SwarmStandIn, type SwarmOutcome } from "./stand-in-swarm";

export const VERSION = "v0.30.2";
/** Time between a deployment's last log line and its final status. */
const FINAL_GAP_MS = 20;
/** Swarm's default restart delay: how long a failed task's replacement waits before it starts. */
const SWARM_RESTART_DELAY_MS = 5_000;
const REGISTRY_URL = /^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?(:\d{1,5})?$/;
const REGISTRY_URL_MESSAGE =
  "Registry URL must be a valid hostname or hostname:port (e.g. registry.example.com or localhost:5000)";

export type Transport = "trpc" | "openapi";

export interface Call {
  readonly transport: Transport;
  readonly method: string;
  readonly procedure: string;
  readonly input: unknown;
  readonly status: number;
  readonly apiKey: string | undefined;
  readonly at: number;
}

export interface ApplicationRow {
  applicationId: string;
  name: string;
  appName: string;
  sourceType: string;
  applicationStatus: string;
  dockerImage: string | null;
  username: string | null;
  password: string | null;
  registryUrl: string | null;
  registryId: string | null;
  serverId: string | null;
  /** The container's variables (dotenv text); null until saved. */
  env: string | null;
  environmentId: string;
  environment: {
    environmentId: string;
    name: string;
    projectId: string;
    /** The environment's shared variables (dotenv text), which a service's refer to as ${{environment.NAME}}. */
    env?: string;
    /** `env`: the project's shared variables, referred to as ${{project.NAME}}. */
    project: { projectId: string; name: string; env?: string };
  };
  [key: string]: unknown;
}

export interface ComposeRow {
  composeId: string;
  name: string;
  appName: string;
  composeType: "stack" | "docker-compose";
  sourceType: string;
  /** The file Dokploy writes for a raw compose; empty for a git source. */
  composeFile: string;
  /** The compose's variables (dotenv text); null until saved. */
  env: string | null;
  composeStatus: string;
  serverId: string | null;
  environmentId: string;
  environment: ApplicationRow["environment"];
  [key: string]: unknown;
}

export interface ProjectRow {
  readonly projectId: string;
  readonly name: string;
  /** Project-level variables, in clear text in project.all. */
  env: string;
  readonly environments: { readonly environmentId: string; readonly name: string; readonly isDefault: boolean }[];
}

export interface RegistryRow {
  registryId: string;
  registryName: string;
  imagePrefix: string | null;
  username: string;
  password: string;
  registryUrl: string;
  createdAt: string;
  registryType: "cloud";
  organizationId: string;
}

export interface DeploymentRow {
  deploymentId: string;
  title: string | null;
  description: string | null;
  /** running, done, error, cancelled on v0.30.2; a test may play another. */
  status: string;
  logPath: string;
  pid: null;
  applicationId: string | null;
  composeId: string | null;
  serverId: string | null;
  isPreviewDeployment: boolean;
  previewDeploymentId: null;
  createdAt: string;
  startedAt: string;
  finishedAt: string | null;
  errorMessage: string | null;
  scheduleId: null;
  backupId: null;
  rollbackId: null;
  volumeBackupId: null;
  buildServerId: null;
}

/** How the next deployment of an application goes. */
export interface DeploymentScript {
  /** Delay between the trigger and the row appearing (the worker starting the job). */
  readonly startDelayMs?: number;
  /** Time from start to the final status. */
  readonly durationMs?: number;
  /** The final status; any string, to play a status a future Dokploy might have. */
  readonly outcome?: string;
  /** What swarm does after a done deployment (default: runs the image the job read). */
  readonly swarm?: SwarmOutcome;
  /**
   * How long swarm's update of a running service stays in progress after done (default 0). A
   * live v0.30.2 shows about 6 s: the new task runs within a second, then swarm watches it for
   * its 5 s monitor period before the update is completed.
   */
  readonly swarmUpdateMs?: number;
  /**
   * The image this deployment brings exits 1 this long after each of its tasks starts: swarm
   * marks the task failed and restarts it after its restart delay (5 s), and it exits again.
   * Of a stack, the services whose image changed.
   */
  readonly exitAfterMs?: number;
  /** Log lines written while it runs, spread over its duration. */
  readonly log?: readonly string[];
  /** Drop every live-log WebSocket of this deployment after its first message. */
  readonly dropLogSocket?: boolean;
  /**
   * Each write to the log reaches its live-log sockets this much later, as `tail -f` over SSH
   * delivers a remote server's log: the last lines can arrive after the status is final.
   */
  readonly logLagMs?: number;
  /** Refuse the live-log WebSocket of this deployment (as a proxy without WebSockets would). */
  readonly refuseLogSocket?: boolean;
  /**
   * A misbehaving live-log socket (a frozen proxy, a half-open connection, another server):
   * "ignores-close" never answers the client's close frame; "bad-accept" answers the upgrade
   * with a wrong Sec-WebSocket-Accept and keeps the socket open; "binary" sends the log in
   * binary frames.
   */
  readonly logSocket?: "ignores-close" | "bad-accept" | "binary";
  /** The deploymentId of the row (a hostile server's), instead of a fresh one. */
  readonly deploymentId?: string;
  /** Queue a deployment with this title (someone else's) just before this one. */
  readonly othersFirst?: { readonly title: string; readonly script?: DeploymentScript };
}

/** A deployment job, of an application or a compose service. */
interface Job {
  /** Its service's id: the key of its deployments and scripts. */
  readonly key: string;
  readonly appName: string;
  readonly serverId: string | null;
  readonly ids: Pick<DeploymentRow, "applicationId" | "composeId">;
  /** Reads the service as the job starts: what it logs, and what swarm does when it is done. */
  start(): { log(outcome: string): string[]; done(script: DeploymentScript): void };
  status(status: string): void;
}

/** A fault for the next `times` calls of a procedure (or of every procedure with "*"). */
export interface Fault {
  readonly procedure: string;
  readonly times?: number;
  /** Answer with this status (and body) instead of running the procedure. */
  readonly status?: number;
  readonly body?: string;
  /** Destroy the connection without answering. */
  readonly reset?: boolean;
  /** Destroy the connection AFTER the procedure ran (an ambiguous failure). */
  readonly resetAfter?: boolean;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Headers of the answer given with `status` (e.g. a redirect's location). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Answer `status` with the request body echoed in the message, as some servers and proxies do. */
  readonly echoBody?: boolean;
  /** Answer `status` (200 when unset) with a JSON body this many bytes long, streamed as the client reads. */
  readonly bodyBytes?: number;
}

export interface StandInOptions {
  readonly apiKey: string;
  /** Added to every answer. */
  readonly latencyMs?: number;
  readonly deployment?: DeploymentScript;
  /** Check registry credentials against the real registry, as Dokploy's docker login does (default true). */
  readonly verifyRegistryLogin?: boolean;
  /** The key lacks the permission to read Docker (docker.* answer 401 "Permission denied"). */
  readonly dockerReadDenied?: boolean;
  /** What settings.getDokployVersion answers (default VERSION). */
  readonly version?: string;
  /** The key may not read the services' output: /docker-container-logs closes with 4003 "Not authorized". */
  readonly containerLogsDenied?: boolean;
  /** The key lacks the registry read permission: registry.testRegistry answers 401 "Permission denied". */
  readonly registryReadDenied?: boolean;
}

/** A remote server registered in Dokploy, as application.one and compose.one join it in. */
export interface ServerRow {
  readonly serverId: string;
  readonly name: string;
  readonly ipAddress: string;
  readonly port: number;
  readonly username: string;
  readonly serverType: "deploy";
  /** The server cannot reach any registry (a firewall): its docker login fails. */
  readonly offline?: boolean;
}

function nanoid(): string {
  return randomBytes(16).toString("base64url").slice(0, 21);
}

// ---- input schemas, as Dokploy's routers declare them (zod 4)

const CONTAINER_ID = /^[a-zA-Z0-9.\-_]+$/;

const schemas: Record<string, z.ZodType> = {
  "settings.health": z.any(),
  "settings.getDokployVersion": z.any(),
  "registry.all": z.any(),
  "registry.one": z.object({ registryId: z.string().min(1) }),
  "registry.remove": z.object({ registryId: z.string().optional() }).required(),
  "registry.create": z.object({
    registryName: z.string().min(1),
    username: z.string().min(1),
    password: z.string().min(1),
    registryUrl: z.string().refine((v) => v === "" || REGISTRY_URL.test(v), { message: REGISTRY_URL_MESSAGE }),
    registryType: z.enum(["cloud"]),
    imagePrefix: z.string().nullable().optional().nonoptional(),
    serverId: z.string().optional(),
  }),
  "registry.update": z.object({
    registryId: z.string().min(1),
    registryName: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    registryUrl: z
      .string()
      .refine((v) => v === "" || REGISTRY_URL.test(v), { message: REGISTRY_URL_MESSAGE })
      .optional(),
    registryType: z.enum(["cloud"]).optional(),
    imagePrefix: z.string().nullable().optional(),
    serverId: z.string().optional(),
  }),
  "registry.testRegistry": z.object({
    registryName: z.string().optional(),
    username: z.string().trim().min(1),
    password: z.string().min(1),
    registryUrl: z.string().refine((v) => v === "" || REGISTRY_URL.test(v), { message: REGISTRY_URL_MESSAGE }),
    registryType: z.enum(["cloud"]),
    imagePrefix: z.string().nullable().optional(),
    serverId: z.string().optional(),
  }),
  "application.one": z.object({ applicationId: z.string().min(1) }),
  "application.saveDockerProvider": z
    .object({
      applicationId: z.string().optional(),
      dockerImage: z.string().nullable().optional(),
      username: z.string().nullable().optional(),
      password: z.string().nullable().optional(),
      registryUrl: z.string().nullable().optional(),
    })
    .required(),
  "application.redeploy": z.object({
    applicationId: z.string().min(1),
    title: z.string().optional(),
    description: z.string().optional(),
  }),
  "application.deploy": z.object({
    applicationId: z.string().min(1),
    title: z.string().optional(),
    description: z.string().optional(),
  }),
  "deployment.all": z.object({ applicationId: z.string().min(1) }),
  "project.all": z.any(),
  "compose.one": z.object({ composeId: z.string().min(1) }),
  // compose.saveEnvironment: env must be present (null is accepted; a missing key is 400 "expected nonoptional").
  "compose.saveEnvironment": z.object({
    composeId: z.string().optional().nonoptional(),
    env: z.string().nullable().optional().nonoptional(),
    createEnvFile: z.boolean().optional(),
  }),
  // compose.update takes any of the columns (all optional); this project sends env only, before v0.29.0.
  "compose.update": z.object({ composeId: z.string(), env: z.string().nullable().optional() }),
  "compose.deploy": z.object({
    composeId: z.string().min(1),
    title: z.string().optional(),
    description: z.string().optional(),
  }),
  "compose.redeploy": z.object({
    composeId: z.string().min(1),
    title: z.string().optional(),
    description: z.string().optional(),
  }),
  "deployment.allByCompose": z.object({ composeId: z.string().min(1) }),
  "deployment.readLogs": z.object({
    deploymentId: z.string().min(1),
    tail: z.coerce.number().int().min(1).max(10000).default(100),
  }),
  "docker.getStackContainersByAppName": z.object({
    appName: z.string().min(1).regex(CONTAINER_ID, "Invalid app name."),
    serverId: z.string().optional(),
  }),
  "docker.getConfig": z.object({
    containerId: z.string().min(1).regex(CONTAINER_ID, "Invalid container id."),
    serverId: z.string().optional(),
  }),
  "docker.getServiceContainersByAppName": z.object({
    appName: z.string().min(1).regex(CONTAINER_ID, "Invalid app name."),
    serverId: z.string().optional(),
  }),
  ...PREVIEW_SCHEMAS,
};

const QUERIES = new Set([
  "settings.health",
  "settings.getDokployVersion",
  "registry.all",
  "registry.one",
  "application.one",
  "deployment.all",
  "project.all",
  "compose.one",
  "deployment.allByCompose",
  "deployment.readLogs",
  "docker.getStackContainersByAppName",
  "docker.getConfig",
  "docker.getServiceContainersByAppName",
  ...PREVIEW_QUERIES,
]);
/** Procedures behind withPermission("docker", "read"): 401 "Permission denied" without it. */
const DOCKER_READ = new Set([
  "docker.getConfig",
  "docker.getServiceContainersByAppName",
  "docker.getStackContainersByAppName",
]);
const PUBLIC = new Set(["settings.health"]);

/** Whether a procedure only reads (a write changes something in Dokploy). */
export function isQuery(procedure: string): boolean {
  return QUERIES.has(procedure);
}

/** What the stand-in tells a watcher: a request as it arrives (its body read), an answer as it is given. */
export type StandInEvent =
  { readonly kind: "request"; readonly procedure: string } | { readonly kind: "answer"; readonly call: Call };

const TRPC_CODES: Record<number, [number, string]> = {
  400: [-32600, "BAD_REQUEST"],
  401: [-32001, "UNAUTHORIZED"],
  403: [-32003, "FORBIDDEN"],
  404: [-32004, "NOT_FOUND"],
  405: [-32005, "METHOD_NOT_SUPPORTED"],
  415: [-32015, "UNSUPPORTED_MEDIA_TYPE"],
  500: [-32603, "INTERNAL_SERVER_ERROR"],
};

class ProcedureError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly zod?: z.ZodError,
  ) {
    super(message);
  }
}

/** JSON.parse's message as the server's Node prints it (with line and column). */
function jsonParseMessage(text: string): string {
  try {
    JSON.parse(text);
    return "";
  } catch (error) {
    const message = (error as Error).message;
    const match = /at position (\d+)$/.exec(message);
    if (!match) return message;
    const position = Number(match[1]);
    const before = text.slice(0, position).split("\n");
    return `${message} (line ${String(before.length)} column ${String((before.at(-1)?.length ?? 0) + 1)})`;
  }
}

function isoNow(): string {
  return new Date().toISOString();
}

function logTimestamp(date: Date): string {
  return date
    .toISOString()
    .slice(0, 19)
    .replace("T", ":")
    .replace(/:(\d\d):(\d\d)$/, ":$1:$2");
}

/**
 * The log of a deployment that was not scripted. A redeploy only says it starts. A deploy of a
 * Docker image, as a live v0.30.2 writes it: `docker login` with the application's credentials
 * (docker's warning, blank lines and all), the pull, then the line before the service update.
 * The application is read when the job starts, as Dokploy does.
 */
function defaultLog(app: ApplicationRow, pull: boolean, outcome: string): string[] {
  if (outcome === "error") return ["Initializing deployment", "Error occurred ❌, check the logs for details."];
  if (outcome !== "done") return ["Initializing deployment"];
  if (!pull || !app.dockerImage) return ["Initializing deployment"];
  const image = app.dockerImage;
  const tag = /:([^:/@]+)$/.exec(image.split("@")[0] ?? "")?.[1] ?? "latest";
  const path = image.replace(/^[^/]+[.:][^/]*\//, "").replace(/[:@].*$/, "");
  const login =
    app.username && app.password
      ? [
          "",
          "WARNING! Your credentials are stored unencrypted in '/root/.docker/config.json'.",
          "Configure a credential helper to remove this warning. See",
          "https://docs.docker.com/go/credential-store/",
          "",
          "Login Succeeded",
        ]
      : [];
  const digest = `sha256:${createHash("sha256").update(image).digest("hex")}`;
  return [
    "Initializing deployment",
    `Pulling ${image}`,
    ...login,
    `${tag}: Pulling from ${path}`,
    `Digest: ${digest}`,
    `Status: Downloaded newer image for ${image}`,
    image,
    "✅ Pulling image completed.",
  ];
}

interface LogSocket {
  readonly socket: Socket;
  readonly logPath: string;
  sent: number;
  readonly drop: boolean;
  readonly binary: boolean;
}

/**
 * Writes a JSON answer of `bytes` bytes in 64 KiB chunks, each after the client took the last
 * one; returns how many bytes were written before the client stopped reading (or all of them).
 */
async function streamJson(res: ServerResponse, status: number, bytes: number): Promise<number> {
  res.writeHead(status, { "content-type": "application/json" });
  const chunk = Buffer.alloc(64 * 1024, "x");
  let written = 0;
  let closed = false;
  let wake: () => void = () => undefined;
  res.on("close", () => {
    closed = true;
    wake();
  });
  res.on("drain", () => {
    wake();
  });
  const head = '{"result":{"data":{"json":"';
  res.write(head);
  written += head.length;
  while (written < bytes && !closed) {
    const piece = chunk.subarray(0, Math.min(chunk.length, bytes - written));
    written += piece.length;
    if (!res.write(piece)) await new Promise<void>((resolve) => (wake = resolve));
  }
  if (!closed) res.end('"}}}');
  return written;
}

export class DokployStandIn {
  readonly calls: Call[] = [];
  readonly applications = new Map<string, ApplicationRow>();
  readonly composes = new Map<string, ComposeRow>();
  /** Projects with their environments; services point at them by environmentId. */
  readonly projects = new Map<string, ProjectRow>();
  readonly registries = new Map<string, RegistryRow>();
  readonly servers = new Map<string, ServerRow>();
  readonly deployments = new Map<string, DeploymentRow[]>();
  readonly swarm = new SwarmStandIn();
  /** Log text per logPath. */
  readonly logs = new Map<string, string>();
  private faults: (Fault & { left: number })[] = [];
  private readonly scripts = new Map<string, DeploymentScript[]>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<Socket>();
  private readonly watchers = new Set<(event: StandInEvent) => void>();
  private server?: Server;
  /** Live-log sockets by logPath, with how much of the log each has been sent. */
  private readonly logSockets = new Set<LogSocket>();
  /** Bytes of each streamed `bodyBytes` answer that were written before the client stopped reading. */
  readonly streamed: number[] = [];
  /** WebSocket upgrades seen, for assertions. */
  readonly logConnections: { logPath: string; apiKey: string | undefined; accepted: boolean }[] = [];
  /** Upgrades of /docker-container-logs seen, in order. */
  readonly containerLogConnections: ContainerLogConnection[] = [];
  private taskOutputs: TaskOutput = () => undefined;
  url = "";
  readonly organizationId = nanoid();
  /** Preview environments' procedures: environments, copies of applications, their mounts and domains. */
  readonly previews = new PreviewStandIn({
    projects: this.projects,
    applications: this.applications,
    composes: this.composes,
    deployments: this.deployments,
    addApplication: (overrides) => this.addApplication(overrides),
    fail: (status, message) => {
      throw new ProcedureError(status, message);
    },
  });

  constructor(readonly options: StandInOptions) {}

  // ---- set-up helpers for tests

  /** A project with environments (production first), as project.create makes one and environment.create adds more. */
  addProject(name: string, environments: readonly string[] = ["production"]): ProjectRow {
    const projectId = nanoid();
    const row: ProjectRow = {
      projectId,
      name,
      env: "",
      environments: environments.map((env, i) => ({ environmentId: nanoid(), name: env, isDefault: i === 0 })),
    };
    this.projects.set(projectId, row);
    return row;
  }

  /** The overrides that put a new service into an environment of a project: `addApplication({ name, ...placeIn(p) })`. */
  placeIn(project: ProjectRow, environment = "production"): Pick<ApplicationRow, "environmentId" | "environment"> {
    const env = project.environments.find((e) => e.name === environment);
    if (!env) throw new Error(`no environment ${environment} in ${project.name}`);
    return {
      environmentId: env.environmentId,
      environment: {
        environmentId: env.environmentId,
        name: env.name,
        projectId: project.projectId,
        project: { projectId: project.projectId, name: project.name },
      },
    };
  }

  addApplication(overrides: Partial<ApplicationRow> = {}): ApplicationRow {
    const applicationId = overrides.applicationId ?? nanoid();
    const project = overrides.environment ? undefined : this.addProject("live-demo");
    const projectId = project?.projectId ?? nanoid();
    const environmentId = project?.environments[0]?.environmentId ?? nanoid();
    const name = overrides.name ?? "demo-app";
    const app: ApplicationRow = {
      applicationId,
      name,
      // Dokploy makes appName a slug (live: "app-bypass-wireless-bus-rry5ox"); docker.* procedures
      // take only [a-zA-Z0-9.-_] names.
      appName: `${name.toLowerCase().replace(/[^a-z0-9.-]+/g, "-")}-${randomBytes(3).toString("hex")}`,
      sourceType: "github",
      // A new application: no source set up yet (as live Dokploy answers).
      owner: null,
      repository: null,
      gitlabRepository: null,
      bitbucketRepository: null,
      giteaRepository: null,
      customGitUrl: null,
      applicationStatus: "idle",
      dockerImage: null,
      username: null,
      password: null,
      registryUrl: null,
      registryId: null,
      serverId: null,
      env: null,
      environmentId,
      environment: {
        environmentId,
        name: "production",
        projectId,
        project: { projectId, name: "live-demo" },
      },
      domains: [],
      ...overrides,
    };
    this.applications.set(applicationId, app);
    this.deployments.set(applicationId, []);
    return app;
  }

  /** A raw compose service of type stack (by default) in a new project, or where `placeIn` says. */
  addCompose(overrides: Partial<ComposeRow> & Pick<ComposeRow, "composeFile">): ComposeRow {
    const composeId = overrides.composeId ?? nanoid();
    const place = overrides.environment ? undefined : this.placeIn(this.addProject("live-demo"));
    const row: ComposeRow = {
      composeId,
      name: "demo-stack",
      appName: `compose-${randomBytes(4).toString("hex")}`,
      composeType: "stack",
      sourceType: "raw",
      env: null,
      composeStatus: "idle",
      serverId: null,
      command: "",
      createEnvFile: true,
      composePath: "./docker-compose.yml",
      ...place,
      ...overrides,
    } as ComposeRow;
    this.composes.set(composeId, row);
    this.deployments.set(composeId, []);
    return row;
  }

  addRegistry(fields: Omit<RegistryRow, "registryId" | "createdAt" | "registryType" | "organizationId">): RegistryRow {
    const row: RegistryRow = {
      registryId: nanoid(),
      createdAt: isoNow(),
      registryType: "cloud",
      organizationId: this.organizationId,
      ...fields,
    };
    this.registries.set(row.registryId, row);
    return row;
  }

  /** Scripts the next deployments of an application, in order. */
  scriptDeployments(applicationId: string, ...scripts: DeploymentScript[]): void {
    this.scripts.set(applicationId, [...(this.scripts.get(applicationId) ?? []), ...scripts]);
  }

  /** Queues a deployment as a trigger would (for tests of the log and the waiting alone). */
  queue(applicationId: string, title: string): void {
    const app = this.applications.get(applicationId);
    if (!app) throw new Error(`no application ${applicationId}`);
    this.queueDeployment(app, title, null);
  }

  /**
   * What each task (or container) printed, as /docker-container-logs sends it: asked for each
   * connection with the task as swarm lists it (its image, its service), so a test can script
   * the output of tasks that do not exist yet. A task without lines printed nothing.
   */
  taskOutput(output: TaskOutput): void {
    this.taskOutputs = output;
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Calls of a procedure (or all), in order. */
  callsOf(procedure?: string): Call[] {
    return procedure ? this.calls.filter((c) => c.procedure === procedure) : [...this.calls];
  }

  /** Successful calls that changed something (a login test changes nothing Dokploy holds). */
  writes(): Call[] {
    return this.calls.filter(
      (c) => !QUERIES.has(c.procedure) && c.procedure !== "registry.testRegistry" && c.status === 200,
    );
  }

  /** Tells `watcher` of each request and each answer from now on, as they happen; returns how to stop. */
  watch(watcher: (event: StandInEvent) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  // ---- lifecycle

  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => {
      void this.handle(req, res);
    });
    server.on("upgrade", (req, socket: Socket) => {
      this.upgrade(req, socket);
    });
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => {
      if (!this.server) resolve();
      else this.server.close(() => resolve());
    });
  }

  // ---- live log over WebSocket, as /listen-deployment does (tail -n +1 -f of the log file)

  private upgrade(req: IncomingMessage, socket: Socket): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const key = req.headers["sec-websocket-key"];
    if (url.pathname === CONTAINER_LOGS_PATH && typeof key === "string") {
      this.containerLogs(req, url, socket, key);
      return;
    }
    if (
      url.pathname !== "/listen-deployment" ||
      typeof key !== "string" ||
      this.refusedLogs.has(url.searchParams.get("logPath") ?? "")
    ) {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    const logPath = url.searchParams.get("logPath") ?? "";
    const deployment = [...this.deployments.values()].flat().find((d) => d.logPath === logPath);
    const mode = deployment ? this.logSocketModes.get(deployment.deploymentId) : undefined;
    this.sockets.add(socket);
    const accept = mode === "bad-accept" ? Buffer.from("not the accept key").toString("base64") : acceptKey(key);
    socket.write(switchingProtocols(accept));
    // Keeps the socket open and says nothing more, until the client or stop() ends it.
    if (mode === "bad-accept") return;
    const apiKey = req.headers["x-api-key"] as string | undefined;
    const accepted = apiKey === this.options.apiKey && logPath.startsWith("/etc/dokploy/logs/");
    this.logConnections.push({ logPath, apiKey, accepted });
    if (apiKey !== this.options.apiKey) {
      // Opens, then closes at once without a status code (the client sees 1005).
      socket.end(Buffer.from([0x88, 0x00]));
      return;
    }
    if (!logPath.startsWith("/etc/dokploy/logs/")) {
      socket.end(Buffer.from([0x88, 0x02, 0x0f, 0xa0]));
      return;
    }
    const entry = {
      socket,
      logPath,
      sent: 0,
      drop: deployment ? this.dropLogs.has(deployment.deploymentId) : false,
      binary: mode === "binary",
    };
    this.logSockets.add(entry);
    socket.on("data", (data: Buffer) => {
      // A close frame from the client (opcode 8): answer it and end, unless told to ignore it.
      if (((data[0] ?? 0) & 0x0f) === 0x08 && mode !== "ignores-close") socket.end(Buffer.from([0x88, 0x00]));
    });
    socket.on("close", () => this.logSockets.delete(entry));
    socket.on("error", () => this.logSockets.delete(entry));
    this.pumpLog(entry);
  }

  /**
   * /docker-container-logs as a live v0.30.2 answers it (see stand-in-container-logs.ts): the
   * parameters checked first (4000), then the key (a close without a status), then whether it
   * may read the service (4003); then the task's output once, about 200 ms in, timestamped, and
   * the socket left open until the client closes it.
   */
  private containerLogs(req: IncomingMessage, url: URL, socket: Socket, key: string): void {
    this.sockets.add(socket);
    socket.on("error", () => undefined);
    socket.write(switchingProtocols(acceptKey(key)));
    const connection: ContainerLogConnection = {
      url: req.url ?? "",
      params: Object.fromEntries(url.searchParams),
      apiKey: req.headers["x-api-key"] as string | undefined,
      at: Date.now(),
    };
    this.containerLogConnections.push(connection);
    const close = (code?: number, reason?: string) => {
      connection.closeCode = code ?? 1005;
      socket.end(closeFrame(code, reason));
    };
    if (!acceptedParameters(url.searchParams)) return close(4000, "Invalid parameters");
    if (connection.apiKey !== this.options.apiKey) return close();
    if (this.options.containerLogsDenied) return close(4003, "Not authorized");
    socket.on("data", (data: Buffer) => {
      // The client's close frame (opcode 8): answered, and the connection ended.
      if (((data[0] ?? 0) & 0x0f) === 0x08 && !socket.destroyed) socket.end(closeFrame());
    });
    const containerId = url.searchParams.get("containerId") ?? "";
    const lines = this.taskOutputs(this.swarm.task(containerId) ?? { containerId }) ?? [];
    if (lines.length === 0) return;
    const text = serviceLogsText(lines, Number(url.searchParams.get("tail")));
    void this.sleep(FIRST_FRAME_MS).then(() => {
      if (!socket.destroyed && socket.writable) socket.write(frame(0x1, Buffer.from(text, "utf8")));
    });
  }

  private readonly dropLogs = new Set<string>();
  /** How late each write to a log reaches its sockets, by logPath. */
  private readonly logLags = new Map<string, number>();
  private readonly refusedLogs = new Set<string>();
  private readonly logSocketModes = new Map<string, DeploymentScript["logSocket"]>();

  private pumpLog(entry: LogSocket): void {
    const text = this.logs.get(entry.logPath) ?? "";
    if (text.length > entry.sent && !entry.socket.destroyed) {
      const payload = Buffer.from(text.slice(entry.sent), "utf8");
      entry.sent = text.length;
      entry.socket.write(frame(entry.binary ? 0x2 : 0x1, payload));
      if (entry.drop) {
        entry.socket.destroy();
        return;
      }
    }
  }

  private pumpAllLogs(logPath: string): void {
    for (const entry of this.logSockets) if (entry.logPath === logPath) this.pumpLog(entry);
  }

  private appendLog(logPath: string, line: string): void {
    this.logs.set(logPath, `${this.logs.get(logPath) ?? ""}${line}\n`);
    const lag = this.logLags.get(logPath);
    if (lag === undefined) this.pumpAllLogs(logPath);
    else void this.sleep(lag).then(() => this.pumpAllLogs(logPath));
  }

  /** `tail -n <tail>` of the deployment's log file, as deployment.readLogs runs it ("" without a log). */
  private readLogs(deploymentId: string, tail: number): string {
    const row = [...this.deployments.values()].flat().find((d) => d.deploymentId === deploymentId);
    if (!row) throw new ProcedureError(404, "Deployment not found");
    const lines = (this.logs.get(row.logPath) ?? "").split("\n");
    lines.pop();
    return lines.length === 0 ? "" : `${lines.slice(-tail).join("\n")}\n`;
  }

  /** Resolves when every queued deployment has ended. */
  async settled(): Promise<void> {
    await Promise.all(this.queues.values());
  }

  // ---- HTTP

  private takeFault(procedure: string): Fault | undefined {
    const fault = this.faults.find((f) => f.left > 0 && (f.procedure === procedure || f.procedure === "*"));
    if (fault) fault.left -= 1;
    return fault;
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await this.readBody(req);
    const trpc = url.pathname.startsWith("/api/trpc/");
    const openapi = !trpc && url.pathname.startsWith("/api/");
    const procedure = url.pathname.slice(trpc ? "/api/trpc/".length : "/api/".length);
    if (trpc || openapi) for (const watcher of this.watchers) watcher({ kind: "request", procedure });
    if (this.options.latencyMs) await this.sleep(this.options.latencyMs);
    if (!trpc && !openapi) {
      res.writeHead(404, { "content-type": "text/html" }).end("<!DOCTYPE html><html><body>404</body></html>");
      return;
    }
    const apiKey = req.headers["x-api-key"] as string | undefined;
    const fault = this.takeFault(procedure);
    if (fault?.delayMs) await this.sleep(fault.delayMs);
    if (fault?.reset) {
      this.record(trpc ? "trpc" : "openapi", req.method ?? "", procedure, undefined, 0, apiKey);
      req.socket.destroy();
      return;
    }
    if (fault?.bodyBytes) {
      this.record(trpc ? "trpc" : "openapi", req.method ?? "", procedure, undefined, fault.status ?? 200, apiKey);
      this.streamed.push(await streamJson(res, fault.status ?? 200, fault.bodyBytes));
      return;
    }
    if (fault?.status) {
      this.record(trpc ? "trpc" : "openapi", req.method ?? "", procedure, undefined, fault.status, apiKey);
      const text = fault.echoBody
        ? JSON.stringify({ message: `Invalid request: ${body}`, code: "BAD_REQUEST" })
        : (fault.body ?? `<html><body><h1>${String(fault.status)}</h1></body></html>`);
      res
        .writeHead(fault.status, {
          "content-type": fault.echoBody ? "application/json" : "text/html",
          ...fault.headers,
        })
        .end(text);
      return;
    }
    const answer = trpc
      ? await this.handleTrpc(req, url, body, procedure, apiKey)
      : await this.handleOpenApi(req, url, body, procedure, apiKey);
    this.record(trpc ? "trpc" : "openapi", req.method ?? "", procedure, answer.input, answer.status, apiKey);
    if (fault?.resetAfter) {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, answer.headers).end(answer.body);
  }

  private record(
    transport: Transport,
    method: string,
    procedure: string,
    input: unknown,
    status: number,
    apiKey: string | undefined,
  ): void {
    const call: Call = { transport, method, procedure, input, status, apiKey, at: Date.now() };
    this.calls.push(call);
    for (const watcher of this.watchers) watcher({ kind: "answer", call });
  }

  private async handleTrpc(
    req: IncomingMessage,
    url: URL,
    body: string,
    procedure: string,
    apiKey: string | undefined,
  ): Promise<{ status: number; headers: Record<string, string>; body: string; input?: unknown }> {
    const json = { "content-type": "application/json" };
    const error = (status: number, message: string, zod?: z.ZodError, path: string | null = procedure) => {
      const [code, name] = TRPC_CODES[status] ?? [-32603, "INTERNAL_SERVER_ERROR"];
      const data: Record<string, unknown> = { code: name, httpStatus: status };
      if (path !== null) data.path = path;
      data.zodError = zod ? z.flattenError(zod) : null;
      return {
        status,
        headers: status === 415 ? { "content-type": "text/plain;charset=UTF-8" } : json,
        body: JSON.stringify({ error: { json: { message, code, data } } }),
      };
    };
    const schema = schemas[procedure];
    if (!schema) return error(404, `No procedure found on path "${procedure}"`);
    const isQuery = QUERIES.has(procedure);
    if (req.method === "GET" && !isQuery)
      return error(405, `Unsupported GET-request to mutation procedure at path "${procedure}"`);
    if (req.method === "POST" && isQuery)
      return error(405, `Unsupported POST-request to query procedure at path "${procedure}"`);
    if (req.method === "POST") {
      const type = req.headers["content-type"] ?? "";
      if (type !== "" && !type.startsWith("application/json")) {
        return error(415, `Unsupported content-type "${type.split(";")[0] ?? type}`, undefined, null);
      }
    }
    if (!PUBLIC.has(procedure) && apiKey !== this.options.apiKey) return error(401, "UNAUTHORIZED");
    let envelope: unknown;
    const raw = req.method === "GET" ? url.searchParams.get("input") : body;
    if (raw !== null && raw !== "") {
      const message = jsonParseMessage(raw);
      if (message) return error(400, message);
      envelope = JSON.parse(raw);
    }
    const input = typeof envelope === "object" && envelope !== null ? (envelope as { json?: unknown }).json : undefined;
    try {
      const value = await this.run(procedure, schema, input);
      const data = value === undefined ? { json: null, meta: { values: ["undefined"], v: 1 } } : { json: value };
      return { status: 200, headers: json, body: JSON.stringify({ result: { data } }), input };
    } catch (e) {
      if (!(e instanceof ProcedureError)) throw e;
      if (e.zod) return { ...error(400, JSON.stringify(e.zod.issues, null, 2), e.zod), input };
      return { ...error(e.status, e.message), input };
    }
  }

  private async handleOpenApi(
    req: IncomingMessage,
    url: URL,
    body: string,
    procedure: string,
    apiKey: string | undefined,
  ): Promise<{ status: number; headers: Record<string, string>; body: string; input?: unknown }> {
    const json = { "content-type": "application/json" };
    const error = (status: number, message: string, path: string | null = procedure) => {
      const [, name] = TRPC_CODES[status] ?? [0, "INTERNAL_SERVER_ERROR"];
      const data: Record<string, unknown> = { code: name, httpStatus: status };
      if (path !== null) data.path = path;
      data.zodError = null;
      return { status, headers: json, body: JSON.stringify({ message, code: name, data }) };
    };
    // Body JSON is parsed before the key check.
    const type = req.headers["content-type"] ?? "";
    let parsedBody: unknown;
    if (req.method === "POST" && type.startsWith("application/json") && body !== "") {
      if (jsonParseMessage(body)) return { status: 400, headers: {}, body: "Invalid JSON" };
      parsedBody = JSON.parse(body);
    }
    if (apiKey !== this.options.apiKey) {
      return {
        status: 401,
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify({ message: "Unauthorized" }),
      };
    }
    const schema = schemas[procedure];
    const isQuery = QUERIES.has(procedure);
    if (!schema || (req.method === "GET") !== isQuery) return error(404, "Not found", null);
    if (req.method === "POST") {
      if (type === "") return error(415, "Missing content-type header");
      if (!type.startsWith("application/json"))
        return error(415, `Unsupported content-type "${type.split(";")[0] ?? type}`);
    }
    const input = isQuery ? (url.search ? Object.fromEntries(url.searchParams) : {}) : (parsedBody ?? {});
    try {
      const value = await this.run(procedure, schema, input);
      return { status: 200, headers: json, body: value === undefined ? "" : JSON.stringify(value), input };
    } catch (e) {
      if (!(e instanceof ProcedureError)) throw e;
      if (e.zod) {
        return {
          status: 400,
          headers: json,
          body: JSON.stringify({
            message: "Input validation failed",
            code: "BAD_REQUEST",
            data: { code: "BAD_REQUEST", httpStatus: 400, path: procedure, zodError: z.flattenError(e.zod) },
            issues: e.zod.issues,
          }),
          input,
        };
      }
      return { ...error(e.status, e.message), input };
    }
  }

  // ---- procedures

  private async run(procedure: string, schema: z.ZodType, rawInput: unknown): Promise<unknown> {
    const parsed = schema.safeParse(rawInput);
    if (!parsed.success) throw new ProcedureError(400, "validation", parsed.error);
    const input = parsed.data as Record<string, string | null | undefined>;
    switch (procedure) {
      case "settings.health":
        return { status: "ok" };
      case "settings.getDokployVersion":
        return this.options.version ?? VERSION;
      case "docker.getConfig":
        this.denyDockerRead(procedure);
        return this.swarm.inspect(input.containerId ?? "");
      case "docker.getServiceContainersByAppName":
        this.denyDockerRead(procedure);
        return this.swarm.tasks(input.appName ?? "");
      case "registry.all":
        return [...this.registries.values()];
      case "registry.one": {
        const { password: _password, ...row } = this.registry(input.registryId);
        return row;
      }
      case "registry.remove": {
        const row = this.registry(input.registryId);
        this.registries.delete(row.registryId);
        return row;
      }
      case "registry.create": {
        const fields = input as unknown as Omit<RegistryRow, "registryId" | "createdAt" | "organizationId">;
        await this.dockerLogin(fields.registryUrl, fields.username, fields.password);
        const row = this.addRegistry({
          registryName: fields.registryName,
          imagePrefix: fields.imagePrefix,
          username: fields.username,
          password: fields.password,
          registryUrl: fields.registryUrl,
        });
        return row;
      }
      case "registry.update": {
        const row = this.registry(input.registryId);
        // Dokploy writes the row first, then logs in: a rejected password is stored anyway.
        for (const [key, value] of Object.entries(input)) {
          // A serverId only says where to log in: Dokploy's table has no such column.
          if (key === "registryId" || key === "serverId" || value === undefined) continue;
          (row as unknown as Record<string, unknown>)[key] = value;
        }
        await this.dockerLogin(row.registryUrl, row.username, row.password);
        return true;
      }
      case "registry.testRegistry":
        return this.testRegistry(input);
      case "application.one": {
        const app = this.application(input.applicationId);
        const server = this.serverOf(app.serverId);
        return { ...app, server, deployments: [...(this.deployments.get(app.applicationId) ?? [])] };
      }
      case "application.saveDockerProvider": {
        const app = this.application(input.applicationId);
        app.dockerImage = input.dockerImage ?? null;
        app.username = input.username ?? null;
        app.password = input.password ?? null;
        app.registryUrl = input.registryUrl ?? null;
        app.sourceType = "docker";
        app.applicationStatus = "idle";
        return true;
      }
      case "application.redeploy":
      case "application.deploy": {
        const app = this.application(input.applicationId);
        this.queueDeployment(app, input.title ?? null, input.description ?? null, procedure === "application.deploy");
        return undefined;
      }
      case "project.all":
        return this.projectAll();
      case "compose.one": {
        const compose = this.compose(input.composeId);
        const server = this.serverOf(compose.serverId);
        return { ...compose, server, deployments: [...(this.deployments.get(compose.composeId) ?? [])] };
      }
      case "compose.saveEnvironment": {
        // It came in v0.29.0.
        if (isOlderThan(this.options.version ?? VERSION, "v0.29.0") === true)
          throw new ProcedureError(404, `No procedure found on path "${procedure}"`);
        const compose = this.compose(input.composeId);
        compose.env = input.env ?? null;
        return true;
      }
      case "compose.update": {
        const compose = this.compose(input.composeId);
        if (input.env !== undefined) compose.env = input.env;
        return { ...compose };
      }
      case "compose.deploy":
      case "compose.redeploy": {
        const compose = this.compose(input.composeId);
        this.queueJob(this.composeJob(compose), input.title ?? null, input.description ?? null);
        const queued = procedure === "compose.deploy" ? "Deployment queued" : "Redeployment queued";
        return { success: true, message: queued, composeId: compose.composeId };
      }
      case "deployment.allByCompose":
        return [...(this.deployments.get(input.composeId ?? "") ?? [])];
      case "docker.getStackContainersByAppName":
        this.denyDockerRead(procedure);
        return this.swarm.stackTasks(input.appName ?? "");
      case "deployment.all":
        return [...(this.deployments.get(input.applicationId ?? "") ?? [])];
      case "deployment.readLogs":
        if (isOlderThan(this.options.version ?? VERSION, READ_LOGS_SINCE) === true) {
          throw new ProcedureError(404, `No procedure found on path "${procedure}"`);
        }
        return this.readLogs(input.deploymentId ?? "", Number(input.tail));
      default:
        if (this.previews.handles(procedure)) return this.previews.run(procedure, input);
        throw new ProcedureError(404, `No procedure found on path "${procedure}"`);
    }
  }

  /**
   * project.all as a live v0.30.2 answers an owner: every project (with its env in clear text),
   * each environment with its services by id, name and status, and the database kinds as empty
   * lists.
   */
  private projectAll(): unknown[] {
    return [...this.projects.values()].map((project) => ({
      projectId: project.projectId,
      name: project.name,
      description: null,
      createdAt: isoNow(),
      organizationId: this.organizationId,
      env: project.env,
      environments: project.environments.map((env) => ({
        name: env.name,
        environmentId: env.environmentId,
        isDefault: env.isDefault,
        applications: [...this.applications.values()]
          .filter((a) => a.environmentId === env.environmentId)
          .map((a) => ({ applicationId: a.applicationId, name: a.name, applicationStatus: a.applicationStatus })),
        mariadb: [],
        mongo: [],
        mysql: [],
        postgres: [],
        redis: [],
        compose: [...this.composes.values()]
          .filter((c) => c.environmentId === env.environmentId)
          .map((c) => ({ composeId: c.composeId, name: c.name, composeStatus: c.composeStatus })),
        libsql: [],
      })),
      projectTags: [],
    }));
  }

  private denyDockerRead(procedure: string): void {
    if (this.options.dockerReadDenied && DOCKER_READ.has(procedure)) {
      throw new ProcedureError(401, "Permission denied");
    }
  }

  private compose(id: string | null | undefined): ComposeRow {
    const compose = this.composes.get(id ?? "");
    if (!compose) throw new ProcedureError(404, "Compose not found");
    return compose;
  }

  private application(id: string | null | undefined): ApplicationRow {
    const app = this.applications.get(id ?? "");
    if (!app) throw new ProcedureError(404, "Application not found");
    return app;
  }

  private registry(id: string | null | undefined): RegistryRow {
    const row = this.registries.get(id ?? "");
    if (!row) throw new ProcedureError(404, "Registry not found");
    return row;
  }

  /** A server for applications and compose services to run on (their serverId). */
  addServer(name: string, fields: Partial<Omit<ServerRow, "name">> = {}): ServerRow {
    const row: ServerRow = {
      serverId: nanoid(),
      ipAddress: "127.0.0.2",
      port: 22,
      username: "root",
      serverType: "deploy",
      ...fields,
      name,
    };
    this.servers.set(row.serverId, row);
    return row;
  }

  /** The server row Dokploy joins in (without the stand-in's own knobs); null on the Dokploy host. */
  private serverOf(serverId: string | null): Omit<ServerRow, "offline"> | null {
    const row = serverId ? this.servers.get(serverId) : undefined;
    if (!row) return null;
    const { offline: _offline, ...server } = row;
    return server;
  }

  /**
   * registry.testRegistry as v0.30.2 answers it: `docker login` on the host (docker's words in the
   * message) or over SSH on the server (only the exit code: the ExecError's message). Every
   * failure is 400 BAD_REQUEST, an unknown server too ("Server not found").
   */
  private async testRegistry(input: Record<string, string | null | undefined>): Promise<true> {
    if (this.options.registryReadDenied) throw new ProcedureError(401, "Permission denied");
    const { registryUrl = "", username = "", password = "", serverId } = input;
    if (serverId && serverId !== "none") {
      const server = this.servers.get(serverId);
      if (!server) throw new ProcedureError(400, "Server not found");
      if (server.offline) throw new ProcedureError(400, "Remote command failed with exit code 1");
      try {
        await this.dockerLogin(registryUrl ?? "", username ?? "", password ?? "");
      } catch {
        throw new ProcedureError(400, "Remote command failed with exit code 1");
      }
      return true;
    }
    try {
      await this.dockerLogin(registryUrl ?? "", username ?? "", password ?? "");
    } catch (error) {
      // On the host Dokploy runs docker itself (execFile): its message is the exit code and stderr.
      const said = (error as Error).message.replace(/^Command execution failed: Command failed: [^\n]*\n/, "");
      throw new ProcedureError(400, `Command failed with code 1. Stderr: ${said}`);
    }
    return true;
  }

  /** Dokploy runs `docker login` on its host; we ask the registry's v2 API the same question. */
  private async dockerLogin(registryUrl: string, username: string, password: string): Promise<void> {
    if (this.options.verifyRegistryLogin === false) return;
    const command = `Command execution failed: Command failed: printf %s '***' | docker login '${registryUrl}' -u '${username}' --password-stdin\n`;
    if (!/^(127\.\d+\.\d+\.\d+|localhost)(:\d+)?$/.test(registryUrl)) {
      const host = registryUrl === "" ? "registry-1.docker.io" : (registryUrl.split(":")[0] ?? registryUrl);
      throw new ProcedureError(
        400,
        `${command}Error response from daemon: Get "https://${host}/v2/": dial tcp: lookup ${host} on 10.255.255.53:53: no such host\n`,
      );
    }
    const auth = Buffer.from(`${username}:${password}`).toString("base64");
    let status: number;
    try {
      const res = await fetch(`http://${registryUrl}/v2/`, { headers: { authorization: `Basic ${auth}` } });
      status = res.status;
      // A token-mode registry challenges with Bearer: docker asks its realm for a token with the
      // credentials (no scope: a login needs none) and pings again with it.
      const challenge = res.headers.get("www-authenticate") ?? "";
      if (status === 401 && /^Bearer /i.test(challenge)) status = await this.bearerPing(registryUrl, challenge, auth);
    } catch (error) {
      throw new ProcedureError(
        400,
        `${command}Error response from daemon: Get "http://${registryUrl}/v2/": ${(error as Error).message}\n`,
      );
    }
    if (status === 401) {
      throw new ProcedureError(
        400,
        `${command}Error response from daemon: login attempt to http://${registryUrl}/v2/ failed with status: 401 Unauthorized\n`,
      );
    }
  }

  /** docker login's second step on a token-mode registry: the token for the account, then /v2/ with it. */
  private async bearerPing(registryUrl: string, challenge: string, basic: string): Promise<number> {
    const param = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(challenge)?.[1];
    const realm = param("realm");
    if (!realm) return 401;
    const url = new URL(realm);
    const service = param("service");
    if (service) url.searchParams.set("service", service);
    url.searchParams.set("account", Buffer.from(basic, "base64").toString().split(":")[0] ?? "");
    url.searchParams.set("offline_token", "true");
    const answer = await fetch(url, { headers: { authorization: `Basic ${basic}` } });
    if (!answer.ok) return 401;
    const body = (await answer.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token ?? "";
    const ping = await fetch(`http://${registryUrl}/v2/`, { headers: { authorization: `Bearer ${token}` } });
    return ping.status;
  }

  /** Swarm takes the update as Dokploy writes done; it is completed at once or `swarmUpdateMs` later. */
  private settleSwarm(appName: string, image: string, script: DeploymentScript): void {
    const inProgress = Boolean(script.swarmUpdateMs) && script.swarm !== "rolls-back";
    const task = this.swarm.deployed(appName, image, script.swarm, inProgress);
    if (inProgress) void this.sleep(script.swarmUpdateMs ?? 0).then(() => this.swarm.updateCompleted(appName));
    if (task !== undefined && script.exitAfterMs !== undefined) this.crashLoop(appName, task, script.exitAfterMs);
  }

  /** The task's process exits `exitAfterMs` after it starts; swarm restarts it after its restart delay, and again. */
  private crashLoop(appName: string, task: string, exitAfterMs: number): void {
    void this.sleep(exitAfterMs).then(async () => {
      const next = this.swarm.taskExited(appName, task);
      if (next === undefined) return;
      await this.sleep(SWARM_RESTART_DELAY_MS);
      if (this.swarm.taskStarted(appName, next)) this.crashLoop(appName, next, exitAfterMs);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /**
   * Jobs run one after another, those of every application of a server in one queue (seen on a
   * live v0.30.2: its in-memory queue runs one deployment per server at a time without a
   * licence, so another application's deployment delays ours); the row appears when the job starts.
   */
  private queueDeployment(app: ApplicationRow, title: string | null, description: string | null, pull = false): void {
    this.queueJob(this.applicationJob(app, pull), title, description);
  }

  /** A deployment job of an application: it reads the image when it starts, swarm runs it when done. */
  private applicationJob(app: ApplicationRow, pull: boolean): Job {
    return {
      key: app.applicationId,
      appName: app.appName,
      serverId: app.serverId,
      ids: { applicationId: app.applicationId, composeId: null },
      start: () => {
        const image = app.dockerImage;
        return {
          log: (outcome) => defaultLog(app, pull, outcome),
          done: (script) => {
            if (image) this.settleSwarm(app.appName, image, script);
          },
        };
      },
      status: (status) => {
        app.applicationStatus = status;
      },
    };
  }

  /** A deployment job of a stack: it reads the file and env when it starts; swarm runs each service's image when done. */
  private composeJob(compose: ComposeRow): Job {
    return {
      key: compose.composeId,
      appName: compose.appName,
      serverId: compose.serverId,
      ids: { applicationId: null, composeId: compose.composeId },
      start: () => {
        const services = composeServices(compose.composeFile, compose.env);
        const existing = new Set(
          services.map((s) => `${compose.appName}_${s.service}`).filter((n) => this.swarm.has(n)),
        );
        return {
          log: (outcome) =>
            stackLog(
              compose.appName,
              services.map((s) => s.service),
              existing,
              outcome,
            ),
          done: ({ swarm, exitAfterMs }) => {
            // Dokploy's command is `docker stack deploy … --prune`.
            this.swarm.prune(
              compose.appName,
              services.map((s) => `${compose.appName}_${s.service}`),
            );
            for (const { service, image } of services) {
              const name = `${compose.appName}_${service}`;
              const changed = this.swarm.imageOf(name) !== image;
              // A stack's services keep swarm's default failure action: pause.
              const task = this.swarm.deployed(name, image, swarm, false, "pause");
              if (task !== undefined && changed && exitAfterMs !== undefined) this.crashLoop(name, task, exitAfterMs);
            }
          },
        };
      },
      status: (status) => {
        compose.composeStatus = status;
      },
    };
  }

  private queueJob(job: Job, title: string | null, description: string | null): void {
    const script = this.scripts.get(job.key)?.shift() ?? this.options.deployment ?? {};
    if (script.othersFirst)
      this.enqueue(job, script.othersFirst.title, "someone else's", script.othersFirst.script ?? {});
    this.enqueue(job, title, description, script);
  }

  private enqueue(job: Job, title: string | null, description: string | null, script: DeploymentScript): void {
    const queue = job.serverId ?? "local";
    const previous = this.queues.get(queue) ?? Promise.resolve();
    const run = previous.then(async () => {
      await this.sleep(script.startDelayMs ?? 25);
      // Like Dokploy's worker: the service's row is read when the job starts.
      const started = new Date();
      const reading = job.start();
      const logPath = `/etc/dokploy/logs/${job.appName}/${job.appName}-${logTimestamp(started)}-${randomBytes(2).toString("hex")}.log`;
      const row: DeploymentRow = {
        deploymentId: script.deploymentId ?? nanoid(),
        title,
        description,
        status: "running",
        logPath,
        pid: null,
        ...job.ids,
        serverId: job.serverId,
        isPreviewDeployment: false,
        previewDeploymentId: null,
        createdAt: started.toISOString(),
        startedAt: started.toISOString(),
        finishedAt: null,
        errorMessage: null,
        scheduleId: null,
        backupId: null,
        rollbackId: null,
        volumeBackupId: null,
        buildServerId: null,
      };
      if (script.dropLogSocket) this.dropLogs.add(row.deploymentId);
      if (script.logSocket) this.logSocketModes.set(row.deploymentId, script.logSocket);
      if (script.refuseLogSocket) this.refusedLogs.add(logPath);
      if (script.logLagMs !== undefined) this.logLags.set(logPath, script.logLagMs);
      const rows = this.deployments.get(job.key) ?? [];
      rows.unshift(row);
      rows.splice(11);
      this.deployments.set(job.key, rows);
      job.status("running");
      const outcome = script.outcome ?? "done";
      const lines = script.log ?? reading.log(outcome);
      // Like Dokploy: the first line when the job starts, the rest spread over its run, the last
      // one just before the status is written.
      const duration = script.durationMs ?? 100;
      this.appendLog(logPath, lines[0] ?? "");
      const rest = lines.slice(1);
      const step = Math.max(0, duration - FINAL_GAP_MS) / Math.max(1, rest.length);
      for (const line of rest) {
        await this.sleep(step);
        this.appendLog(logPath, line);
      }
      await this.sleep(rest.length > 0 ? Math.min(FINAL_GAP_MS, duration) : duration);
      if (outcome === "done") reading.done(script);
      row.status = outcome;
      row.finishedAt = isoNow();
      job.status(outcome === "done" ? "done" : "error");
    });
    this.queues.set(queue, run);
  }
}
