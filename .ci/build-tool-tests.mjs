/* global console, process */
// Lists the buildx/BuildKit tests of a vitest JSON report with their times, and fails when
// ../shared/tools is there but none of them passed, or some were skipped: they skip themselves
// only when the tools are missing, so a green run without them would prove nothing.
//   node .ci/build-tool-tests.mjs <report.json>
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

const FILES = /test\/integration\/(buildx|buildkit)\.test\.ts$/;
const tools = resolve(import.meta.dirname, "../../shared/tools/install-build-tools.sh");
const report = JSON.parse(readFileSync(process.argv[2], "utf8"));
const tests = report.testResults
  .filter((file) => FILES.test(file.name))
  .flatMap((file) =>
    file.assertionResults.map((test) => ({ file: file.name.replace(/.*\/test\//, "test/"), ...test })),
  );
const passed = tests.filter((t) => t.status === "passed");
const notRun = tests.filter((t) => t.status === "skipped" || t.status === "pending" || t.status === "todo");

console.log(`buildx/BuildKit tests: ${passed.length} passed, ${notRun.length} skipped, ${tests.length} in all`);
for (const t of tests) {
  console.log(
    `  ${t.status.padEnd(7)} ${((t.duration ?? 0) / 1000).toFixed(1).padStart(5)} s  ${t.file}: ${t.fullName}`,
  );
}
if (existsSync(tools) && (passed.length === 0 || notRun.length > 0)) {
  console.error(
    `${tools} is there, yet ${notRun.length > 0 ? "some buildx/BuildKit tests were skipped" : "no buildx/BuildKit test ran"}`,
  );
  process.exit(1);
}
