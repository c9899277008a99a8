/**
 * parseConfig, and what the rest of src imports from the config layer: the input table
 * (inputs.ts), the Config and its parts (types.ts), and two field parsers.
 */
import { errorMessage, ConfigError } from "../shared/errors";
import { type Parsed, parsers } from "./input-parsers";
import type { InputName } from "./inputs";
import { derive, interpret, spacedSecrets } from "./interpret";
import { type Problem, checkParsedInputs, checkRawInputs } from "./rules";
import type { CiContext, Config, RawInputs } from "./types";

export * from "./inputs";
export * from "./types";
export { parseDuration, splitList } from "./parsers";

/**
 * Every input through its parser; a parser's error is its input's problem unless a rule named
 * that input already. The parsed inputs, when there is no problem at all.
 */
function parseInputs(raw: RawInputs, problems: Problem[]): Parsed | undefined {
  const parsed: Partial<Record<InputName, unknown>> = {};
  for (const [input, parse] of Object.entries(parsers) as [InputName, (raw: string | undefined) => unknown][]) {
    try {
      parsed[input] = parse(raw[input]);
    } catch (error) {
      if (!problems.some((p) => p.input === input)) problems.push({ input, message: errorMessage(error) });
    }
  }
  return problems.length === 0 ? (parsed as Parsed) : undefined;
}

/** One error for every problem: the first one is its `input`; with more, its message lists them all. */
function configError(problems: readonly Problem[]): ConfigError {
  const [first] = problems;
  if (!first) throw new Error("unreachable: parseConfig found no problem and no config");
  const error = new ConfigError(first.input, first.message);
  if (problems.length > 1) {
    error.message = problems.map((p) => `Input "${p.input}": ${p.message}`).join("\n");
  }
  return error;
}

/**
 * Reads the raw inputs (as typed by the user, keyed by input name) and the CI context into a
 * Config. Throws one ConfigError naming every bad input; the first one is its `input`.
 */
export function parseConfig(raw: RawInputs, ci: CiContext): Config {
  const problems = checkRawInputs(raw);
  const parsed = parseInputs(raw, problems);
  if (parsed) {
    const derived = derive(parsed, ci);
    problems.push(...checkParsedInputs(parsed, derived));
    if (problems.length === 0) return { ...interpret(parsed, ci, derived), spacedSecrets: spacedSecrets(raw) };
  }
  throw configError(problems);
}
