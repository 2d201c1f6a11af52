// API reports of every public entry point of packages/*, from the built .d.ts
// (run after `pnpm build`):
//   node scripts/api-report.mjs check    fails when an entry's API differs from packages/<pkg>/etc/
//   node scripts/api-report.mjs update   rewrites packages/<pkg>/etc/*.api.md
// Entries come from each package.json's "exports" map (every key with a
// "types" condition); API Extractor takes one entry per run, so each entry
// gets its own run with the shared settings of the root api-extractor.json.
// Report names: "." → <name>.api.md, "./plugin" → <name>-plugin.api.md.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const ROOT = path.resolve(import.meta.dirname, "..");
const PACKAGES_DIR = path.join(ROOT, "packages");
const REPORT_DIR_NAME = "etc";
const QUIET_MESSAGES = new Set(["console-preamble", "console-compiler-version-notice"]);
const USAGE = "usage: node scripts/api-report.mjs check|update";

const mode = process.argv[2];
if (mode !== "check" && mode !== "update") {
  console.error(USAGE);
  process.exit(2);
}
const update = mode === "update";

/** The "types" target of one exports value (string, conditions object or nested conditions). */
function typesTarget(value) {
  if (typeof value === "string") return value.endsWith(".d.ts") ? value : undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  if (typeof value.types === "string") return value.types;
  for (const nested of Object.values(value)) {
    const found = typesTarget(nested);
    if (found) return found;
  }
  return undefined;
}

function reportFileName(packageName, subpath) {
  const base = packageName.replace(/^@[^/]+\//, "");
  if (subpath === ".") return `${base}.api.md`;
  return `${base}-${subpath.replace(/^\.\//, "").replaceAll("/", "-")}.api.md`;
}

function entriesOf(packageDir) {
  const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8"));
  if (manifest.private) return [];
  const exportsMap =
    typeof manifest.exports === "string" || manifest.exports?.types
      ? { ".": manifest.exports }
      : (manifest.exports ?? {});
  const entries = [];
  for (const [subpath, value] of Object.entries(exportsMap)) {
    if (subpath.includes("*")) {
      throw new Error(
        `${manifest.name}: exports pattern "${subpath}" is not supported by the API report; list its entries one by one`,
      );
    }
    const types = typesTarget(value);
    if (!types) continue;
    entries.push({ subpath, types: path.resolve(packageDir, types), report: reportFileName(manifest.name, subpath) });
  }
  return entries.map((entry) => ({ ...entry, packageName: manifest.name, packageDir }));
}

const baseConfig = ExtractorConfig.loadFile(path.join(ROOT, "api-extractor.json"));
const tempDir = mkdtempSync(path.join(tmpdir(), "flavorstack-api-report-"));
const problems = [];
let checked = 0;
try {
  for (const name of readdirSync(PACKAGES_DIR).sort()) {
    const packageDir = path.join(PACKAGES_DIR, name);
    if (!existsSync(path.join(packageDir, "package.json"))) continue;
    const reportDir = path.join(packageDir, REPORT_DIR_NAME);
    const entries = entriesOf(packageDir);
    for (const entry of entries) {
      const label = `${entry.packageName}${entry.subpath === "." ? "" : entry.subpath.slice(1)}`;
      if (!existsSync(entry.types)) {
        problems.push(`${label}: ${path.relative(ROOT, entry.types)} does not exist; run \`pnpm build\` first`);
        continue;
      }
      const config = ExtractorConfig.prepare({
        configObject: {
          ...baseConfig,
          projectFolder: packageDir,
          mainEntryPointFilePath: entry.types,
          compiler: {
            ...baseConfig.compiler,
            overrideTsconfig: { ...baseConfig.compiler?.overrideTsconfig, files: [entry.types] },
          },
          apiReport: {
            ...baseConfig.apiReport,
            enabled: true,
            reportFileName: entry.report,
            reportFolder: reportDir,
            reportTempFolder: path.join(tempDir, name),
          },
        },
        configObjectFullPath: path.join(ROOT, "api-extractor.json"),
        packageJsonFullPath: path.join(packageDir, "package.json"),
      });
      const reportPath = path.join(reportDir, entry.report);
      const hadReport = existsSync(reportPath);
      if (update) mkdirSync(reportDir, { recursive: true });
      const result = Extractor.invoke(config, {
        localBuild: update,
        printApiReportDiff: !update,
        messageCallback: (message) => {
          // "Analysis will use the bundled TypeScript ...": noise on every entry.
          if (QUIET_MESSAGES.has(message.messageId)) message.handled = true;
        },
      });
      checked += 1;
      if (!result.succeeded || (!update && result.apiReportChanged)) {
        problems.push(
          result.apiReportChanged
            ? `${label}: ${hadReport ? "public API differs from" : "no API report at"} ${path.relative(ROOT, reportPath)}`
            : `${label}: API Extractor reported ${result.errorCount} error(s), ${result.warningCount} warning(s) (see above)`,
        );
      } else if (update && result.apiReportChanged) {
        console.log(`api-report: ${hadReport ? "updated" : "created"} ${path.relative(ROOT, reportPath)}`);
      }
    }
    // Reports of entries that no longer exist.
    const wanted = new Set(entries.map((entry) => entry.report));
    const present = existsSync(reportDir) ? readdirSync(reportDir).filter((file) => file.endsWith(".api.md")) : [];
    for (const stale of present.filter((file) => !wanted.has(file))) {
      const stalePath = path.relative(ROOT, path.join(reportDir, stale));
      if (update) {
        unlinkSync(path.join(reportDir, stale));
        console.log(`api-report: removed ${stalePath} (no such entry in the exports map)`);
      } else {
        problems.push(`${stalePath}: no such entry in the package's exports map`);
      }
    }
  }
} finally {
  rmSync(tempDir, { recursive: true, force: true });
}

for (const problem of problems) console.error(`api-report: ${problem}`);
if (problems.length > 0) {
  if (!update)
    console.error(
      "api-report: if the change is intended, run `pnpm build && pnpm api:update` and commit packages/*/etc/",
    );
  process.exit(1);
}
console.log(`api-report: ${checked} entry point(s) ${update ? "written" : "match their reports"}`);
