import { DeployError } from "../shared/errors";

/** What the command line asks for. Everything else is configured by environment variables. */
export interface CliArgs {
  readonly action: "deploy" | "help" | "version";
  /**
   * Read each input from `<prefix><NAME>` only (the GitLab component passes its inputs so,
   * where no project or group variable named like an input can reach them).
   */
  readonly envPrefix: string;
  /** Where to write the outputs as DOKPLOY_<NAME>=value lines (a GitLab dotenv report). */
  readonly outputFile?: string;
}

export const USAGE =
  "Usage: dokploy-deploy [--env-prefix PREFIX] [--output-file PATH]\n       dokploy-deploy --help | --version";

const PREFIX = /^[A-Z][A-Z0-9_]*$/;

/** A command line the CLI does not understand: exit 2, like any bad input. */
export class UsageError extends DeployError {
  override readonly exitCode = 2;
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
    this.name = "UsageError";
  }
}

function usageError(message: string): UsageError {
  return new UsageError(message);
}

/** Parses argv (without node and the script). Throws a UsageError (exit 2) on anything unknown. */
export function parseArgs(argv: readonly string[]): CliArgs {
  let action: CliArgs["action"] = "deploy";
  let envPrefix = "";
  let outputFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === "") throw usageError(`${flag ?? arg} needs a value`);
      return next;
    };
    if (flag === "-h" || flag === "--help") action = "help";
    else if (flag === "-V" || flag === "--version") action = action === "help" ? action : "version";
    else if (flag === "--env-prefix") {
      envPrefix = value();
      if (!PREFIX.test(envPrefix)) {
        throw usageError(`--env-prefix "${envPrefix}" is not a variable prefix; expected capitals, digits and _`);
      }
    } else if (flag === "--output-file") outputFile = value();
    else throw usageError(`unknown argument "${arg}"`);
  }
  return { action, envPrefix, outputFile };
}
