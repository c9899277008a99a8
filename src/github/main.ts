/** The entry point GitHub runs (dist/index.js): the action itself is in action.ts. */
import { run, write } from "./action";
import { runnerFiles } from "./runner-files";

void run(() => Promise.resolve(runnerFiles(process.env, write)));
