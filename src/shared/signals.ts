/** A signal that follows others, and a timer, until released. */
export interface Linked {
  readonly signal: AbortSignal;
  /** Stops following the sources and clears the timer: call it once the wait it guards is over. */
  release(): void;
}

/**
 * A signal that aborts when one of `sources` does, or after `timeoutMs` (with a TimeoutError, as
 * AbortSignal.timeout's), until released. Its timer and the sources' listeners hold it strongly:
 * AbortSignal.timeout's timer holds its signal only weakly, and inside AbortSignal.any it can be
 * garbage-collected before it fires (nodejs/node#57736), so the wait would never end.
 */
export function linkedSignal(sources: readonly (AbortSignal | undefined)[], timeoutMs?: number): Linked {
  const controller = new AbortController();
  const releases: (() => void)[] = [];
  const release = () => {
    for (const undo of releases.splice(0)) undo();
  };
  const abort = (reason: unknown) => {
    release();
    controller.abort(reason);
  };
  for (const source of sources) {
    if (!source) continue;
    if (source.aborted) {
      abort(source.reason);
      break;
    }
    const onAbort = () => {
      abort(source.reason);
    };
    source.addEventListener("abort", onAbort, { once: true });
    releases.push(() => {
      source.removeEventListener("abort", onAbort);
    });
  }
  if (timeoutMs !== undefined && !controller.signal.aborted) {
    const timer = setTimeout(() => {
      abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
    }, timeoutMs);
    releases.push(() => {
      clearTimeout(timer);
    });
  }
  return { signal: controller.signal, release };
}

/** Runs `fn` with a signal linked to `sources` and a timer, released when `fn` settles. */
export async function withLinkedSignal<T>(
  sources: readonly (AbortSignal | undefined)[],
  timeoutMs: number | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const linked = linkedSignal(sources, timeoutMs);
  try {
    return await fn(linked.signal);
  } finally {
    linked.release();
  }
}
