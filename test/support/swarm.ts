/**
 * What a live Dokploy's swarm engine really runs, read with the docker CLI on its
 * DOCKER_HOST: the service's image (and the one before it) and its running tasks.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface SwarmService {
  /** The image in the service's spec. */
  readonly image: string;
  /** The image of the spec before the last update, if any. */
  readonly previousImage: string | undefined;
  /** UpdateStatus.State, e.g. completed, rollback_completed. */
  readonly updateState: string | undefined;
  /** The service's labels (a stack's deploy.labels: Traefik's routers among them). */
  readonly labels: Readonly<Record<string, string>>;
}

export interface SwarmTask {
  readonly image: string;
  readonly state: string;
}

export class Swarm {
  constructor(readonly host: string) {}

  async docker(args: string[]): Promise<string> {
    const { stdout } = await run("docker", args, { env: { ...process.env, DOCKER_HOST: this.host } });
    return stdout;
  }

  /** The service of an application (Dokploy names it after appName); undefined if there is none. */
  async service(appName: string): Promise<SwarmService | undefined> {
    let text: string;
    try {
      text = await this.docker(["service", "inspect", appName, "--format", "{{json .}}"]);
    } catch (error) {
      if (String(error).includes("no such service")) return undefined;
      throw error;
    }
    const inspected = JSON.parse(text) as {
      Spec: { TaskTemplate: { ContainerSpec: { Image: string } }; Labels?: Record<string, string> };
      PreviousSpec?: { TaskTemplate: { ContainerSpec: { Image: string } } };
      UpdateStatus?: { State?: string };
    };
    return {
      image: inspected.Spec.TaskTemplate.ContainerSpec.Image,
      previousImage: inspected.PreviousSpec?.TaskTemplate.ContainerSpec.Image,
      updateState: inspected.UpdateStatus?.State,
      labels: inspected.Spec.Labels ?? {},
    };
  }

  /** Tasks the service wants running, with the image each was started from and its state. */
  async runningTasks(appName: string): Promise<SwarmTask[]> {
    const ids = (await this.docker(["service", "ps", "-q", "--filter", "desired-state=running", appName]))
      .split("\n")
      .filter(Boolean);
    if (ids.length === 0) return [];
    const lines = (await this.docker(["inspect", "--format", "{{json .}}", ...ids])).split("\n").filter(Boolean);
    return lines.map((line) => {
      const task = JSON.parse(line) as { Spec: { ContainerSpec: { Image: string } }; Status: { State: string } };
      return { image: task.Spec.ContainerSpec.Image, state: task.Status.State };
    });
  }

  /**
   * Waits until the service runs `image` and nothing else (swarm converges after Dokploy says
   * done); returns the tasks as last seen, for the assertion.
   */
  async waitUntilRunning(appName: string, image: string, timeoutMs = 60_000): Promise<SwarmTask[]> {
    const deadline = Date.now() + timeoutMs;
    const replicas = await this.replicas(appName);
    for (;;) {
      const tasks = await this.runningTasks(appName);
      // As many as the service asks for: swarm can hold a second running task for one replica for
      // a moment (seen once in CI, on a remote server's worker, after a first deploy) before it ends one.
      const settled = tasks.length === replicas && tasks.every((t) => t.image === image && t.state === "running");
      if (settled || Date.now() > deadline) return tasks;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** How many tasks a replicated service asks for (1 for a global one, or when it cannot be read). */
  async replicas(appName: string): Promise<number> {
    const text = await this.docker(["service", "inspect", appName, "--format", "{{json .Spec.Mode}}"]).catch(() => "");
    const mode = (text.trim() ? JSON.parse(text) : {}) as { Replicated?: { Replicas?: number } };
    return mode.Replicated?.Replicas ?? 1;
  }

  /** The ids of the nodes the service's wanted tasks are on. */
  async taskNodes(appName: string): Promise<string[]> {
    const ids = (await this.docker(["service", "ps", "-q", "--filter", "desired-state=running", appName]))
      .split("\n")
      .filter(Boolean);
    if (ids.length === 0) return [];
    return (await this.docker(["inspect", "--format", "{{.NodeID}}", ...ids])).split("\n").filter(Boolean);
  }

  /** This engine's swarm node id (empty when it is in no swarm). */
  async nodeId(): Promise<string> {
    return (await this.docker(["info", "--format", "{{.Swarm.NodeID}}"])).trim();
  }

  /** The images of the running containers this engine has of a swarm service. */
  async containerImages(appName: string): Promise<string[]> {
    const ids = (await this.docker(["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${appName}`]))
      .split("\n")
      .filter(Boolean);
    if (ids.length === 0) return [];
    return (await this.docker(["inspect", "--format", "{{.Config.Image}}", ...ids])).split("\n").filter(Boolean);
  }

  /** Digests the engine knows for an image it pulled (repo@sha256:…). */
  async repoDigests(image: string): Promise<string[]> {
    return JSON.parse(await this.docker(["image", "inspect", image, "--format", "{{json .RepoDigests}}"])) as string[];
  }
}
