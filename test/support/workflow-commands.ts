/**
 * How a GitHub runner reads a step's stdout (actions/runner ActionCommandManager): a line is a
 * command when, after leading white space, it starts with `::<name>` (v2), or holds `##[<name>`
 * anywhere (v1), and <name> is a registered command; after `::stop-commands::<token>` nothing is
 * a command until `::<token>::`. Tests use it to see which lines of a log the runner would obey.
 */

/** Commands the runner knows (v2.3xx). */
const REGISTERED = new Set([
  "add-mask",
  "add-matcher",
  "add-path",
  "debug",
  "echo",
  "endgroup",
  "error",
  "group",
  "notice",
  "remove-matcher",
  "save-state",
  "set-env",
  "set-output",
  "stop-commands",
  "warning",
]);

export interface WorkflowCommand {
  readonly command: string;
  /** The data, unescaped as the runner does (%25, %0D, %0A). */
  readonly data: string;
  readonly line: string;
}

function unescapeData(data: string): string {
  return data.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
}

/** .NET's TrimStart: Char.IsWhiteSpace, which also counts U+0085. */
function trimStart(line: string): string {
  return line.replace(/^[\s\u0085]+/, "");
}

function parse(line: string, registered: ReadonlySet<string>): WorkflowCommand | undefined {
  const v2 = trimStart(line);
  if (v2.startsWith("::")) {
    const end = v2.indexOf("::", 2);
    if (end >= 0) {
      const info = v2.slice(2, end);
      const name = info.split(" ")[0] ?? "";
      if (registered.has(name.toLowerCase()))
        return { command: name.toLowerCase(), data: unescapeData(v2.slice(end + 2)), line };
    }
  }
  const prefix = line.indexOf("##[");
  if (prefix >= 0) {
    const close = line.indexOf("]", prefix);
    if (close >= 0) {
      const name = (line.slice(prefix + 3, close).split(" ")[0] ?? "").toLowerCase();
      if (registered.has(name)) return { command: name, data: line.slice(close + 1), line };
    }
  }
  return undefined;
}

export interface RunnerLog {
  /** The commands the runner would carry out, in order. */
  readonly commands: WorkflowCommand[];
  /** The lines it shows as plain text. */
  readonly plain: string[];
}

/** Reads a step's stdout as the runner does. */
export function readRunnerLog(stdout: string): RunnerLog {
  const registered = new Set(REGISTERED);
  const log: RunnerLog = { commands: [], plain: [] };
  let stopToken: string | undefined;
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const command = parse(line, registered);
    if (stopToken !== undefined) {
      if (command?.command === stopToken.toLowerCase()) {
        registered.delete(stopToken.toLowerCase());
        stopToken = undefined;
      } else log.plain.push(line);
    } else if (command?.command === "stop-commands") {
      stopToken = command.data;
      registered.add(stopToken.toLowerCase());
    } else if (command) log.commands.push(command);
    else log.plain.push(line);
  }
  return log;
}

/** The ::error:: annotations of a run's log, as the runner reads them. */
export function errorAnnotations(stdout: string): string {
  return readRunnerLog(stdout)
    .commands.filter((c) => c.command === "error")
    .map((c) => c.data)
    .join("\n");
}
