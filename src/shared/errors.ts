import { cut } from "./log";

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
    // The last lines, each cut short: what failed is at the end, and one line can be huge.
    const tail = output
      .trim()
      .split("\n")
      .slice(-15)
      .map((line) => cut(line, 1000))
      .join("\n");
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

/** Our image ran, then a task of it stopped, was restarted or replaced within verify-stable. */
export class UnstableError extends DeployError {
  constructor(
    message: string,
    /** New tasks swarm started in the window: restarts. */
    readonly restarts: number,
  ) {
    super(message);
    this.name = "UnstableError";
  }
}

/** Something did not finish in the time it was given. */
export class TimeoutError extends DeployError {
  constructor(message: string) {
    super(message);
    this.name = "TimeoutError";
  }
}

export type PullCheckFailure = "tag" | "credentials" | "scope" | "unreachable" | "digest" | "platform";

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
  /** The beginning of the body, as received (masked where it is shown). */
  readonly body?: string;
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

/** Codes of a TLS certificate that is fine but not trusted here (self-signed, or a private CA). */
const UNTRUSTED_CERTIFICATE = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
]);

/** The code of a network error (undici's, or Node's socket and TLS codes). */
export function errorCode(error: unknown): string | undefined {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

/** What to do about a connection error, when its code says; "" when it does not. */
export function connectionHint(code: string | undefined): string {
  if (code && UNTRUSTED_CERTIFICATE.has(code)) {
    return ". The server's TLS certificate is not trusted here (self-signed, or from a private CA): set NODE_EXTRA_CA_CERTS in the step's environment to the path of a PEM file with the CA certificate";
  }
  if (code === "CERT_HAS_EXPIRED") return ". The server's TLS certificate has expired";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return ". The server's TLS certificate is for another host name: use the name it was issued for";
  }
  return "";
}

/** Text of any thrown value, for a final failure message. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
