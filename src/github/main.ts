/** The entry point GitHub runs (dist/index.js): the action itself is in action.ts. */
import { run } from "./action";

void run();
