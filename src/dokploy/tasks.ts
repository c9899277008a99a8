import { z } from "zod";

/*
 * Dokploy's task lists (`docker service ps` / `docker stack ps` in fields) before v0.26 have no
 * current state and no error: only the desired one. A task's inspect (docker.getConfig with its
 * id) says both, so an older server's list is completed from there, for the newest tasks only.
 */

/** A task as the list gives it; currentState and error missing on older servers. */
export interface ListedTask {
  readonly containerId: string;
  readonly state: string;
  readonly currentState?: string | null;
  readonly error?: string | null;
}

/** The part of a task's inspect that says where it is: swarm's state and error. */
const TaskStatusSchema = z.object({
  Status: z.object({ State: z.string(), Err: z.string().nullish() }),
});

/** The newest tasks completed per list; older ones are not looked at by anything that needs the state. */
export const COMPLETED_TASKS = 6;

/** "running" -> "Running (inspected)": the words `docker service ps` starts its current state with. */
function currentStateOf(state: string): string {
  return `${state.charAt(0).toUpperCase()}${state.slice(1)} (inspected)`;
}

/**
 * The tasks with a current state each: as listed where the server says it, else from each
 * task's inspect (the newest COMPLETED_TASKS; "" for the rest and where the inspect fails).
 */
export async function completeTasks<T extends ListedTask>(
  tasks: readonly T[],
  inspect: (taskId: string) => Promise<unknown>,
): Promise<(T & { currentState: string })[]> {
  if (tasks.every((task) => typeof task.currentState === "string")) {
    return tasks.map((task) => ({ ...task, currentState: task.currentState ?? "" }));
  }
  return Promise.all(
    tasks.map(async (task, i) => {
      if (typeof task.currentState === "string") return { ...task, currentState: task.currentState };
      if (i >= COMPLETED_TASKS) return { ...task, currentState: "" };
      const parsed = TaskStatusSchema.safeParse(await inspect(task.containerId).catch(() => undefined));
      if (!parsed.success) return { ...task, currentState: "" };
      const { State, Err } = parsed.data.Status;
      return { ...task, currentState: currentStateOf(State), error: task.error ?? Err ?? "" };
    }),
  );
}
