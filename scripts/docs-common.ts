/** Helpers shared by the generators of action.yml, the GitLab component and the pipe. */
import { DURATION_UNITS, INPUTS, type InputSpec, PORTABLE_INPUTS } from "../src/config/config";

export const inputs = INPUTS as readonly InputSpec[];
/** What the GitLab component and the pipe take: no GitHub-only input. */
export const portableInputs = PORTABLE_INPUTS;

export function yamlString(text: string): string {
  return JSON.stringify(text);
}

/** The description as the Action and the CLI take the value: durations also take a unit. */
export function actionDescription(input: InputSpec): string {
  return input.type === "duration" ? input.description.replace(/\.$/, `${DURATION_UNITS}.`) : input.description;
}

export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceBlock(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`markers ${start} / ${end} not found`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}
