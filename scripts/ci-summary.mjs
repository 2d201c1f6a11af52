// The summary at the end of .ci/run: sums every vitest JSON report of the
// workspace (<package>/.vitest/report*.json, labelled with the Node version
// that ran it), names every skipped or todo test with its reason, and counts
// each check of .vitest/ci-checks.jsonl as one test. The last two lines are
// `N passed, N failed, N skipped` and `N passed, N failed` (the CI reader
// parses the very last line). Exit status 1 when anything failed or nothing passed.
//
// Options from .ci/run (each may repeat):
//   --expect <report>         a report that must exist besides every tested
//                             package's .vitest/report.json
//   --status <phase>=<code>   exit status of a test phase (124: timed out)
//   --phase <phase>=<seconds> a phase's duration, printed as it is
// The skip reason is the test's `meta.skipReason` (docs/testing.md); a skipped
// test without one counts as a failure, so that no skip goes unexplained.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const REPORT_DIR = ".vitest";
const MAIN_REPORT = "report.json";
const NODE_REPORT = /^report-node-(.+)\.json$/;
const CHECKS_FILE = path.join(REPORT_DIR, "ci-checks.jsonl");

function workspacePackages() {
  const patterns = readFileSync("pnpm-workspace.yaml", "utf8")
    .split("\n")
    .map((line) => /^\s*-\s*["']?([^"'#\s]+)["']?/.exec(line)?.[1])
    .filter(Boolean);
  const dirs = new Set();
  for (const pattern of patterns) {
    if (!pattern.endsWith("/*")) {
      dirs.add(path.normalize(pattern));
      continue;
    }
    const parent = pattern.slice(0, -2);
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      if (entry.isDirectory()) dirs.add(path.join(parent, entry.name));
    }
  }
  return [...dirs].filter((dir) => existsSync(path.join(dir, "package.json"))).sort();
}

function hasTestScript(dir) {
  try {
    return Boolean(JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).scripts?.test);
  } catch {
    return false;
  }
}

function nodeLabel(reportFile) {
  if (reportFile === MAIN_REPORT) return `node ${process.versions.node}`;
  return `node ${NODE_REPORT.exec(reportFile)?.[1] ?? reportFile}`;
}

const { values: options } = parseArgs({
  options: {
    expect: { type: "string", multiple: true, default: [] },
    status: { type: "string", multiple: true, default: [] },
    phase: { type: "string", multiple: true, default: [] },
  },
});

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
const skips = [];
const lines = [];

const expected = new Set(options.expect.map(path.normalize));
for (const dir of workspacePackages()) {
  const reportDir = path.join(dir, REPORT_DIR);
  const present = existsSync(reportDir)
    ? readdirSync(reportDir).filter((file) => file === MAIN_REPORT || NODE_REPORT.test(file))
    : [];
  if (hasTestScript(dir) && !present.includes(MAIN_REPORT)) expected.add(path.join(reportDir, MAIN_REPORT));
  for (const file of present.sort()) {
    const report = path.join(reportDir, file);
    expected.delete(report);
    const label = `${dir} (${nodeLabel(file)})`;
    let data;
    try {
      data = JSON.parse(readFileSync(report, "utf8"));
    } catch (error) {
      failed += 1;
      problems.push(`${label}: unreadable test report ${report} (${error.message})`);
      continue;
    }
    let p = 0;
    let f = 0;
    let s = 0;
    for (const suite of data.testResults ?? []) {
      const file = path.relative(path.resolve(dir), suite.name ?? "?");
      const tests = suite.assertionResults ?? [];
      if (suite.status === "failed" && tests.length === 0) {
        f += 1;
        problems.push(`${label}: ${file} failed to load: ${String(suite.message ?? "").split("\n")[0]}`);
      }
      for (const test of tests) {
        if (test.status === "passed") p += 1;
        else if (test.status === "failed") {
          f += 1;
          problems.push(`${label}: FAILED ${file} › ${[...(test.ancestorTitles ?? []), test.title].join(" › ")}`);
        } else {
          const name = [...(test.ancestorTitles ?? []), test.title].join(" › ");
          const reason = test.meta?.skipReason ?? (test.status === "todo" ? "todo" : undefined);
          skips.push(`${label} ${file} › ${name}: ${reason ?? "NO REASON GIVEN"}`);
          // A skip without a reason counts as a failure, not also as a skip.
          if (reason) s += 1;
          else {
            f += 1;
            problems.push(
              `${label}: ${file} › ${name} is skipped without a reason; give it meta.skipReason (docs/testing.md)`,
            );
          }
        }
      }
    }
    lines.push(`${label}: ${p} passed, ${f} failed, ${s} skipped`);
    passed += p;
    failed += f;
    skipped += s;
  }
}
for (const report of expected) {
  failed += 1;
  problems.push(`${report}: no test report (its tests did not run or did not finish)`);
}

for (const pair of options.status) {
  const [phase, status] = pair.split("=");
  if (Number(status) === 0) continue;
  problems.push(Number(status) === 124 ? `${phase}: timed out` : `${phase}: exited ${status} (see its output above)`);
  if (failed === 0) failed += 1;
}

const checks = existsSync(CHECKS_FILE)
  ? readFileSync(CHECKS_FILE, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : [];
for (const check of checks) {
  if (check.ok) {
    passed += 1;
    lines.push(`check ${check.name}: passed (${check.seconds} s)`);
  } else {
    failed += 1;
    lines.push(`check ${check.name}: FAILED (${check.seconds} s)`);
    problems.push(`check ${check.name} failed: ${check.hint}`);
  }
}
if (passed + failed === 0) problems.push("no test ran");

const phases = options.phase.map((pair) => `${pair.replace("=", " ")} s`);
console.log("ci: ---- summary ----");
if (phases.length > 0) console.log(`ci: phases: ${phases.join(", ")}`);
for (const line of lines) console.log(`ci: ${line}`);
console.log(`ci: skipped (${skips.length}):${skips.length === 0 ? " none" : ""}`);
for (const skip of skips) console.log(`ci:   ${skip}`);
for (const problem of problems) console.log(`ci: ${problem}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
