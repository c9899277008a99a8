/** Base of every failure the run reports; adapters map `exitCode` to the process exit code. */
export class DeployError extends Error {
  readonly exitCode: number = 1;
}

/** Bad input: nothing was built or sent. Exit code 2. */
export class ConfigError extends DeployError {
  override readonly exitCode = 2;
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(`Input "${input}": ${message}`);
    this.name = "ConfigError";
  }
}

/** A command (docker) exited non-zero. The argv never holds a secret. */
export class CommandError extends DeployError {
  constructor(
    readonly step: string,
    readonly argv: readonly string[],
    readonly commandExitCode: number,
    readonly output: string,
  ) {
    const tail = output.trim().split("\n").slice(-15).join("\n");
    super(
      `${step} failed: \`${argv.join(" ")}\` exited with code ${String(commandExitCode)}` + (tail ? `\n${tail}` : ""),
    );
    this.name = "CommandError";
  }
}

/** Dokploy answered with an error, or could not be reached. */
export class DokployError extends DeployError {
  constructor(
    readonly procedure: string,
    readonly status: number | undefined,
    message: string,
    /** Worth another try: network trouble, 429, 502, 503, 504. */
    readonly retryable = false,
    /** The request may have reached Dokploy and been carried out (a reset or timeout after sending). */
    readonly ambiguous = false,
  ) {
    super(message);
    this.name = "DokployError";
  }
}

/** Our deployment ended in Dokploy with a status other than done. */
export class DeploymentFailedError extends DeployError {
  constructor(message: string) {
    super(message);
    this.name = "DeploymentFailedError";
  }
}

/** Dokploy said done, but Docker Swarm does not run our image. */
export class NotRunningError extends DeploymentFailedError {
  constructor(message: string) {
    super(message);
    this.name = "NotRunningError";
  }
}

/** Something did not finish in the time it was given. */
export class TimeoutError extends DeployError {
  constructor(message: string) {
    super(message);
    this.name = "TimeoutError";
  }
}

export type PullCheckFailure = "tag" | "credentials" | "scope" | "unreachable" | "digest";

/** The pull check failed: Dokploy could not pull what we are about to deploy. */
export class PullCheckError extends DeployError {
  constructor(
    readonly failure: PullCheckFailure,
    message: string,
  ) {
    super(message);
    this.name = "PullCheckError";
  }
}

/** The last answer of a health check. */
export interface HealthResult {
  readonly status: number;
  readonly latencyMs: number;
}

export class HealthCheckError extends DeployError {
  constructor(
    message: string,
    readonly last?: HealthResult,
  ) {
    super(message);
    this.name = "HealthCheckError";
  }
}

/** Exit codes of a process ended by a signal, as shells report them. */
const SIGNAL_EXIT_CODES: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** The run was cancelled (the CI job was cancelled, or Ctrl-C). Exit code 128 + the signal. */
export class CancelledError extends DeployError {
  override readonly exitCode: number;
  constructor(
    readonly signalName: string,
    message: string,
  ) {
    super(message);
    this.name = "CancelledError";
    this.exitCode = SIGNAL_EXIT_CODES[signalName] ?? 130;
  }
}

/** Text of any thrown value, for a final failure message. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
