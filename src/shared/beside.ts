/** What the work sees of the check that runs beside it. */
export interface Gate<T = unknown> {
  /** Resolves with the check's value once it passed; rejects when it failed. Await it before what needs the check. */
  passed(): Promise<T>;
  /** Aborted when the check failed or the run was cancelled: stop working. */
  readonly signal: AbortSignal;
  /** Says the work is under way: the check starts now (it waits so the work gets the CPU first). */
  underWay(): void;
}

/**
 * Runs `work` with `check` beside it (the build beside the Dokploy preflight). The check starts
 * once the work is under way or over. The work awaits `gate.passed()` before anything that
 * must not happen unless the check passed (a push). When the check fails, the work is stopped,
 * and the check's error is the one thrown, even if the work had failed first on its own: it
 * says what to fix first. Returns the check's value.
 */
export async function besideWork<T>(
  work: (gate: Gate<T>) => Promise<void>,
  check: () => Promise<T>,
  cancel: AbortSignal,
): Promise<T> {
  const stop = new AbortController();
  const onCancel = () => {
    stop.abort(cancel.reason);
  };
  cancel.addEventListener("abort", onCancel, { once: true });
  let underWay: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    underWay = resolve;
  });
  let pass: { resolve: (value: T) => void; reject: (error: unknown) => void } | undefined;
  const checked = new Promise<T>((resolve, reject) => {
    pass = { resolve, reject };
  });
  let checkFailed = false;
  checked.catch(() => {
    checkFailed = true;
    stop.abort();
  });
  try {
    const working = work({ passed: () => checked, signal: stop.signal, underWay });
    const over = working.then(
      () => undefined,
      () => undefined,
    );
    void Promise.race([started, over]).then(check).then(pass?.resolve, pass?.reject);
    try {
      await working;
    } catch (error) {
      if (checkFailed) await checked;
      throw error;
    }
    return await checked;
  } finally {
    cancel.removeEventListener("abort", onCancel);
  }
}

/** The gate as a work sees it that needs only part of the check's value. */
export function mapGate<T, U>(gate: Gate<T>, part: (value: T) => U): Gate<U> {
  return { passed: () => gate.passed().then(part), signal: gate.signal, underWay: gate.underWay };
}
