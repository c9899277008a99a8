/** Runs a program. Implementations never throw on a non-zero exit; they return it. */
export interface ExecOptions {
  /** Written to the program's stdin, then closed (how passwords reach docker). */
  readonly input?: string;
  /** Added to the inherited environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Called for every line of output while the program runs. */
  readonly onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** Ends the program when aborted. */
  readonly signal?: AbortSignal;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type Exec = (file: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;
