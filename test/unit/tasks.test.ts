import { describe, expect, it } from "vitest";
import { COMPLETED_TASKS, completeTasks } from "../../src/dokploy/tasks";
import { isRunning } from "../../src/targets/verify";

/** A task's inspect as Dokploy's docker.getConfig answers it (the fields read here). */
const inspected = (state: string, err?: string) => ({ ID: "x", Status: { State: state, Err: err } });

describe("task lists of older Dokploy servers (no current state)", () => {
  it("takes each task's current state and error from its inspect, and the running one is seen running", async () => {
    const asked: string[] = [];
    const tasks = await completeTasks(
      [
        { containerId: "new1", state: "running" },
        { containerId: "old1", state: "shutdown" },
      ],
      (id) => {
        asked.push(id);
        return Promise.resolve(id === "new1" ? inspected("running") : inspected("failed", "task: non-zero exit (1)"));
      },
    );
    expect(asked).toEqual(["new1", "old1"]);
    expect(tasks).toEqual([
      { containerId: "new1", state: "running", currentState: "Running (inspected)", error: "" },
      { containerId: "old1", state: "shutdown", currentState: "Failed (inspected)", error: "task: non-zero exit (1)" },
    ]);
    expect(tasks.map(isRunning)).toEqual([true, false]);
  });

  it("asks nothing when the server lists the current state, and keeps it as listed", async () => {
    const listed = [{ containerId: "t", state: "running", currentState: "Running 3 seconds ago", error: "" }];
    const tasks = await completeTasks(listed, () => Promise.reject(new Error("not asked")));
    expect(tasks).toEqual(listed);
  });

  it("inspects only the newest tasks; an inspect that fails or answers another shape leaves the state unknown", async () => {
    const many = Array.from({ length: COMPLETED_TASKS + 3 }, (_, i) => ({
      containerId: `t${String(i)}`,
      state: "running",
    }));
    let asked = 0;
    const tasks = await completeTasks(many, (id) => {
      asked++;
      if (id === "t0") return Promise.reject(new Error("HTTP 500"));
      return Promise.resolve(id === "t1" ? { nothing: true } : inspected("running"));
    });
    expect(asked).toBe(COMPLETED_TASKS);
    expect(tasks.slice(0, 3).map((t) => t.currentState)).toEqual(["", "", "Running (inspected)"]);
    expect(tasks.slice(COMPLETED_TASKS).every((t) => t.currentState === "")).toBe(true);
    expect(tasks.filter(isRunning)).toHaveLength(COMPLETED_TASKS - 2);
  });
});
