/**
 * What a run did, in the order it happened: each docker command's start and end, each request
 * the Dokploy stand-in got and each answer it gave, and marks (the temporary docker config
 * removed, the toolkit loaded, or what a test adds). Tests assert the rules of order a run keeps
 * on it ("nothing is pushed before Dokploy answered") rather than one order of everything,
 * which any change to what runs beside what would rewrite.
 */
import { expect } from "vitest";
import type { Exec } from "../../src/shared/exec";
import type { Ports } from "../../src/pipeline/run";
import { type Call, type DokployStandIn, isQuery } from "./dokploy-stand-in";

export type Event =
  | { readonly kind: "start"; readonly argv: readonly string[] }
  | { readonly kind: "end"; readonly argv: readonly string[]; readonly exitCode: number }
  | { readonly kind: "request"; readonly procedure: string }
  | { readonly kind: "answer"; readonly call: Call }
  | { readonly kind: "mark"; readonly what: string };

/** Picks events of a kind out of the timeline. */
export type Is = (event: Event) => boolean;

/**
 * How long each recorded docker command takes, in ms, by its argv. By default a few ms: long
 * enough that another command the run starts beside it shows up before its end. A request to
 * Dokploy sent beside it takes longer to arrive: tens of ms, up to ~100 on a busy machine.
 */
export type Hold = number | ((argv: readonly string[]) => number);
const COMMAND_MS = 5;

export class Timeline {
  readonly events: Event[] = [];

  /** Watches the stand-in's requests and answers (until it is stopped or this test ends). */
  constructor(standIn?: DokployStandIn) {
    standIn?.watch((event) => this.events.push(event));
  }

  mark(what: string): void {
    this.events.push({ kind: "mark", what });
  }

  /** `inner`, with each command's start and end recorded; each takes at least its `hold`, as a real one does. */
  exec(inner: Exec, hold: Hold = COMMAND_MS): Exec {
    return async (file, args, opts) => {
      const argv = [...args];
      this.events.push({ kind: "start", argv });
      const ms = typeof hold === "number" ? hold : hold(argv);
      const [result] = await Promise.all([inner(file, args, opts), new Promise((r) => setTimeout(r, ms))]);
      this.events.push({ kind: "end", argv, exitCode: result.exitCode });
      return result;
    };
  }

  /**
   * The ports, with docker's commands recorded, and the marks "removed" when the temporary docker
   * config is removed and "toolkit" when the runner's toolkit may load (whileDockerWorks).
   */
  ports(ports: Ports, hold: Hold = COMMAND_MS): Ports {
    return {
      ...ports,
      exec: this.exec(ports.exec, hold),
      createDockerConfig: async (host, options) => {
        const temp = await ports.createDockerConfig(host, options);
        return {
          dir: temp.dir,
          readFile: (name) => temp.readFile(name),
          writeFile: (name, text) => temp.writeFile(name, text),
          remove: async () => {
            await temp.remove();
            this.mark("removed");
          },
        };
      },
      whileDockerWorks: () => {
        ports.whileDockerWorks?.();
        this.mark("toolkit");
      },
    };
  }

  /** One line per event, to show in a failed rule. */
  toString(): string {
    return this.events.map((e, i) => `${String(i).padStart(3)} ${describe(e)}`).join("\n");
  }
}

function describe(event: Event): string {
  switch (event.kind) {
    case "start":
      return `docker ${event.argv.join(" ")}`;
    case "end":
      return `  ended (${String(event.exitCode)}): docker ${event.argv.slice(0, 2).join(" ")}`;
    case "request":
      return `Dokploy asked ${event.procedure}`;
    case "answer":
      return `Dokploy answered ${event.call.procedure} (${String(event.call.status)})`;
    case "mark":
      return `(${event.what})`;
  }
}

function argvStarts(argv: readonly string[], words: readonly string[]): boolean {
  return words.every((word, i) => argv[i] === word);
}

/** A docker command started whose argv begins with these words: `started("push")`, `started("buildx", "build")`. */
export const started =
  (...words: string[]): Is =>
  (e) =>
    e.kind === "start" && argvStarts(e.argv, words);

/** A docker command ended whose argv begins with these words. */
export const ended =
  (...words: string[]): Is =>
  (e) =>
    e.kind === "end" && argvStarts(e.argv, words);

/** Any docker command started or ended. */
export const docker: Is = (e) => e.kind === "start" || e.kind === "end";

/** Dokploy got a request for the procedure. */
export const requested =
  (procedure: string): Is =>
  (e) =>
    e.kind === "request" && e.procedure === procedure;

/** Dokploy answered the procedure (the answer is on its way to the run). */
export const answered =
  (procedure: string): Is =>
  (e) =>
    e.kind === "answer" && e.call.procedure === procedure;

/** Dokploy got a request that changes something (whatever it answered). */
export const writeRequested: Is = (e) => e.kind === "request" && !isQuery(e.procedure);

/** A mark: "removed", "toolkit", or one a test made. */
export const marked =
  (what: string): Is =>
  (e) =>
    e.kind === "mark" && e.what === what;

function positions(timeline: Timeline, is: Is): number[] {
  return timeline.events.flatMap((e, i) => (is(e) ? [i] : []));
}

/**
 * The rule "every `then` comes after a `first`": both happen, and the first `then` comes after
 * the first `first`. (E.g. every push after Dokploy's first answer to application.one, which it
 * reads again later.)
 */
export function expectBefore(timeline: Timeline, first: Is, then: Is, rule: string): void {
  const a = positions(timeline, first);
  const b = positions(timeline, then);
  const where = `${rule}\n${timeline.toString()}`;
  expect(a.length, `${where}\n(the first events never happened)`).toBeGreaterThan(0);
  expect(b.length, `${where}\n(the later events never happened)`).toBeGreaterThan(0);
  expect(a[0], where).toBeLessThan(b[0]!);
}

/** The rule "every `first` comes before every `then`": both happen, and the last `first` comes before the first `then`. */
export function expectAllBefore(timeline: Timeline, first: Is, then: Is, rule: string): void {
  const a = positions(timeline, first);
  const b = positions(timeline, then);
  const where = `${rule}\n${timeline.toString()}`;
  expect(a.length, `${where}\n(the first events never happened)`).toBeGreaterThan(0);
  expect(b.length, `${where}\n(the later events never happened)`).toBeGreaterThan(0);
  expect(a.at(-1), where).toBeLessThan(b[0]!);
}
