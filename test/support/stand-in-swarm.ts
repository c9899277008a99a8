/**
 * The Docker Swarm side of the Dokploy stand-in: what `docker.getConfig` (docker inspect of the
 * service or a task) and `docker.getServiceContainersByAppName` (docker service ps) answer on a
 * live v0.30.2, field for field:
 * - the service's Spec.TaskTemplate.ContainerSpec.Image is the image the deployment job read
 *   from the application when it STARTED (not when it was triggered);
 * - UpdateStatus.State goes "updating" -> "completed" (the new task runs within a second, and
 *   the update stays "updating" through swarm's 5 s monitor period), or -> "rollback_started" ->
 *   "rollback_completed" when the new task cannot start (a tag swarm cannot pull: the task is
 *   "Rejected" with `"No such image: …"` and the spec goes back to the previous image);
 * - tasks list newest first; desired state lower case; currentState like "Running 7 seconds ago";
 *   a task without an error has error "Error:" (running) or "" (shut down);
 * - a task whose process exits 1 (taskExited) is desired "shutdown", "Failed 2 seconds ago",
 *   error "task: non-zero exit (1)" (quoted, as docker service ps prints it), and swarm's restart
 *   policy makes a new task of the slot at once (Dokploy sets none: swarm's default, condition
 *   any, delay 5 s), desired "ready" until the delay is over (taskStarted).
 */
import { randomBytes } from "node:crypto";

/**
 * What swarm does with the image of a deployment that Dokploy marks done: runs it; rolls back
 * (an application's service: update failure action rollback); or pauses the update (a stack's
 * service, failure action pause by default: seen live with an image that exits at once, the spec
 * keeps the new image, the old task is shut down, new ones fail "task: non-zero exit (3)").
 */
export type SwarmOutcome = "runs" | "rolls-back" | "pauses";

interface TaskRow {
  readonly containerId: string;
  readonly name: string;
  state: string;
  currentState: string;
  readonly node: string;
  error: string;
  readonly image: string;
}

/**
 * What swarm does when a new task fails within an update's monitor period: an application's
 * service rolls back (Dokploy's update config), a stack's pauses (swarm's default).
 */
export type FailureAction = "rollback" | "pause";

interface ServiceRow {
  readonly id: string;
  image: string;
  /** The image before the last update: what a rollback puts back. */
  previous?: string;
  failureAction: FailureAction;
  update?: { State: string; Message: string };
  readonly tasks: TaskRow[];
}

function taskId(): string {
  return randomBytes(13)
    .toString("base64url")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "0")
    .slice(0, 25);
}

export class SwarmStandIn {
  private readonly services = new Map<string, ServiceRow>();

  /**
   * A deployment of `image` is done in Dokploy: swarm updates the service (or fails to). With
   * `inProgress`, an update of a running service stays "updating" until updateCompleted().
   * Returns the id of the task of `image` that runs, if one does.
   */
  deployed(
    appName: string,
    image: string,
    outcome: SwarmOutcome = "runs",
    inProgress = false,
    failureAction: FailureAction = "rollback",
  ): string | undefined {
    const service = this.services.get(appName) ?? { id: taskId(), image, failureAction, tasks: [] };
    this.services.set(appName, service);
    service.failureAction = failureAction;
    // A task waiting out its restart delay is replaced by the update.
    for (const waiting of service.tasks.filter((t) => t.state === "ready")) {
      waiting.state = "shutdown";
      waiting.currentState = "Shutdown 1 second ago";
    }
    const previous = service.tasks.find((t) => t.state === "running");
    if (outcome === "rolls-back" && previous) {
      service.tasks.unshift({
        containerId: taskId(),
        name: `${appName}.1`,
        state: "shutdown",
        currentState: "Rejected 1 second ago",
        node: "vm",
        error: `"No such image: ${image}"`,
        image,
      });
      service.image = previous.image;
      service.update = {
        State: "rollback_completed",
        Message: "rollback completed",
      };
      return undefined;
    }
    if (previous) {
      previous.state = "shutdown";
      previous.currentState = "Shutdown 1 second ago";
    }
    if (outcome === "pauses") {
      const failed = taskId();
      service.tasks.unshift({
        containerId: failed,
        name: `${appName}.1`,
        state: "shutdown",
        currentState: "Failed 1 second ago",
        node: "vm",
        error: '"task: non-zero exit (3)"',
        image,
      });
      service.image = image;
      service.update = {
        State: "paused",
        Message: `update paused due to failure or early termination of task ${failed}`,
      };
      return undefined;
    }
    const started = taskId();
    service.tasks.unshift({
      containerId: started,
      name: `${appName}.1`,
      state: "running",
      currentState: "Running 1 second ago",
      node: "vm",
      error: "Error:",
      image,
    });
    if (service.image !== image) service.previous = service.image;
    service.image = image;
    if (previous)
      service.update = inProgress
        ? { State: "updating", Message: "update in progress" }
        : { State: "completed", Message: "update completed" };
    return started;
  }

  /**
   * The process of a running task exited 1. Within an update's monitor period swarm takes the
   * failure action: rollback puts the previous image back (a task of it runs), pause stops the
   * update. Unless rolled back, the restart policy makes a new task of the slot at once, which
   * waits out the restart delay (desired "ready"). Returns the new task's id; undefined when the
   * task no longer ran or the service was rolled back.
   */
  taskExited(appName: string, containerId: string): string | undefined {
    const service = this.services.get(appName);
    const task = service?.tasks.find((t) => t.containerId === containerId);
    if (!service || task?.state !== "running") return undefined;
    task.state = "shutdown";
    task.currentState = "Failed 2 seconds ago";
    task.error = '"task: non-zero exit (1)"';
    if (service.update?.State === "updating" && service.failureAction === "rollback" && service.previous) {
      const back = service.previous;
      service.image = back;
      service.previous = undefined;
      service.update = { State: "rollback_completed", Message: "rollback completed" };
      service.tasks.unshift({
        ...task,
        containerId: taskId(),
        state: "running",
        currentState: "Running 1 second ago",
        error: "Error:",
        image: back,
      });
      return undefined;
    }
    if (service.update?.State === "updating") {
      service.update = {
        State: "paused",
        Message: `update paused due to failure or early termination of task ${containerId}`,
      };
    }
    const next = taskId();
    service.tasks.unshift({
      ...task,
      containerId: next,
      state: "ready",
      currentState: "Ready 1 second ago",
      error: "",
    });
    return next;
  }

  /** The restart delay is over: the new task runs. False when it no longer waits (an update replaced it). */
  taskStarted(appName: string, containerId: string): boolean {
    const task = this.services.get(appName)?.tasks.find((t) => t.containerId === containerId);
    if (task?.state !== "ready") return false;
    task.state = "running";
    task.currentState = "Running 1 second ago";
    task.error = "Error:";
    return true;
  }

  /** The image the service is set to run; undefined when there is no such service. */
  imageOf(appName: string): string | undefined {
    return this.services.get(appName)?.image;
  }

  /** Swarm's monitor period is over: an update in progress is completed. */
  updateCompleted(appName: string): void {
    const service = this.services.get(appName);
    if (service?.update?.State === "updating") service.update = { State: "completed", Message: "update completed" };
  }

  /** A task by id: its service, image and desired state; undefined for an id swarm does not know. */
  task(containerId: string): { containerId: string; service: string; image: string; state: string } | undefined {
    for (const [service, row] of this.services) {
      const task = row.tasks.find((t) => t.containerId === containerId);
      if (task) return { containerId, service, image: task.image, state: task.state };
    }
    return undefined;
  }

  /** docker.getConfig: inspect of a service (by app name) or a task (by id); undefined otherwise. */
  inspect(containerId: string): unknown {
    const service = this.services.get(containerId);
    if (service) {
      return {
        ID: service.id,
        Spec: { Name: containerId, TaskTemplate: { ContainerSpec: { Image: service.image } } },
        ...(service.update ? { UpdateStatus: service.update } : {}),
      };
    }
    for (const row of this.services.values()) {
      const task = row.tasks.find((t) => t.containerId === containerId);
      if (task) {
        return {
          ID: task.containerId,
          Spec: { ContainerSpec: { Image: task.image } },
          ServiceID: row.id,
          DesiredState: task.state,
        };
      }
    }
    return undefined;
  }

  /** `docker stack deploy --prune`: the stack's services that its file no longer has are removed. */
  prune(appName: string, keep: readonly string[]): void {
    for (const name of [...this.services.keys()]) {
      if (name.startsWith(`${appName}_`) && !keep.includes(name)) this.services.delete(name);
    }
  }

  /** Whether swarm has a service of that name. */
  has(name: string): boolean {
    return this.services.has(name);
  }

  /** docker.getStackContainersByAppName: the tasks of every service <appName>_<service>. */
  stackTasks(appName: string): unknown[] {
    return [...this.services.entries()]
      .filter(([name]) => name.startsWith(`${appName}_`))
      .flatMap(([, service]) => service.tasks.map(({ image: _image, ...task }) => task));
  }

  /** docker.getServiceContainersByAppName. */
  tasks(appName: string): unknown[] {
    return (this.services.get(appName)?.tasks ?? []).map(({ image: _image, ...task }) => task);
  }
}
