// Reads vitest's JSON report (TEST_REPORT) and fails when the e2e suite ran no test:
// with a live Dokploy given, a skipped or missing suite is a failure, not a pass. Given
// e2e files too (a named subset), fails when one of them ran no test.
// Prints the suite's counts and how long it took.
import { readFileSync } from "node:fs";
import { sep } from "node:path";

const [file, ...named] = process.argv.slice(2);
if (!file) {
  console.error("usage: tsx scripts/check-e2e-report.ts <vitest json report> [e2e test file...]");
  process.exit(2);
}
interface FileResult {
  name: string;
  startTime: number;
  endTime: number;
  assertionResults: { status: string; title: string }[];
}
const report = JSON.parse(readFileSync(file, "utf8")) as { testResults: FileResult[] };
const files = report.testResults.filter((f) => f.name.includes(`${sep}test${sep}e2e${sep}`));
const tests = files.flatMap((f) => f.assertionResults);
const count = (status: string) => tests.filter((t) => t.status === status).length;
const ran = count("passed") + count("failed");
const expectedFailures = tests.filter((t) => t.status === "passed" && t.title.includes("expected to fail")).length;
const seconds = files.length
  ? (Math.max(...files.map((f) => f.endTime)) - Math.min(...files.map((f) => f.startTime))) / 1000
  : 0;
console.log(
  `e2e: ${String(ran)} tests ran in ${seconds.toFixed(0)} s: ${String(count("passed") - expectedFailures)} passed, ` +
    `${String(expectedFailures)} failed as expected, ${String(count("failed"))} failed, ` +
    `${String(tests.length - ran)} skipped (${String(files.length)} files)`,
);
if (ran === 0) {
  console.error("e2e: a live Dokploy was given, but the e2e suite ran no test");
  process.exit(1);
}
const idle = named.filter((name) => {
  const result = files.find((f) => f.name.endsWith(`${sep}${name.split("/").join(sep)}`));
  return !result?.assertionResults.some((t) => t.status === "passed" || t.status === "failed");
});
if (idle.length > 0) {
  console.error(`e2e: no test ran in ${idle.join(", ")}`);
  process.exit(1);
}
