import { rmSync } from "node:fs";

/*
 * What a run has open on this machine that must not outlive it even when the process is made
 * to exit at once: docker children (their process groups) and temporary directories holding a
 * registry login.
 */
const childGroups = new Set<number>();
const tempDirs = new Set<string>();

export const tracked = {
  childGroup(pid: number): () => void {
    childGroups.add(pid);
    return () => childGroups.delete(pid);
  },
  tempDir(path: string): () => void {
    tempDirs.add(path);
    return () => tempDirs.delete(path);
  },
};

/** Signals a process group; a group that is gone already is no error. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Kills every docker child and removes every temporary directory, synchronously. */
export function stopEverythingNow(): void {
  for (const pid of childGroups) signalGroup(pid, "SIGKILL");
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // nothing more can be done on the way out
    }
  }
}

const EXIT_CODES: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export interface Cancellation {
  /** Aborted on the first SIGINT, SIGTERM or SIGHUP; its reason is the signal's name. */
  readonly signal: AbortSignal;
  /** Stops listening (the default handlers are back). */
  dispose(): void;
}

/**
 * Turns the first SIGINT/SIGTERM/SIGHUP into an aborted signal, so the run stops its work and
 * reports what it changed. A second signal ends the process at once, after killing the docker
 * children and removing the temporary files.
 */
export function listenForCancel(write: (line: string) => void): Cancellation {
  const controller = new AbortController();
  const names = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const onSignal = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      write(`Received ${name}: stopping; a second signal ends the step at once.`);
      controller.abort(name);
      return;
    }
    stopEverythingNow();
    write(`Received ${name} again: stopped at once.`);
    process.exit(EXIT_CODES[name] ?? 130);
  };
  for (const name of names) process.on(name, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of names) process.off(name, onSignal);
    },
  };
}
