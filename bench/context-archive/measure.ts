import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const GNU_TIME = "/usr/bin/time";

export interface Sample {
  /** Wall time of the whole process, from spawn to exit, as seen by this process. */
  wallMs: number;
  /** Peak RSS from `/usr/bin/time -f %M` (KiB): the process, or its largest descendant. */
  rssKiB: number;
  stdout: string;
}

const scratch = mkdtempSync(path.join(tmpdir(), "context-archive-bench-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

/** Runs `command` under `/usr/bin/time -f %M`; rejects if it fails. */
export function timed(command: string, args: string[], cwd: string): Promise<Sample> {
  const timeFile = path.join(scratch, `time-${counter++}.txt`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(GNU_TIME, ["-f", "%M", "-o", timeFile, command, ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`'${command} ${args.join(" ")}' exited with ${code}:\n${stderr.trim()}`));
        return;
      }
      // the last line: GNU time may write "Command exited with non-zero status" first
      const lines = readFileSync(timeFile, "utf8").trim().split("\n");
      rmSync(timeFile, { force: true });
      resolve({ wallMs, rssKiB: Number(lines[lines.length - 1]), stdout });
    });
  });
}

/** Runs a command to completion without measuring it; returns its stdout. */
export function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`'${command} ${args.join(" ")}' exited with ${code}`)),
    );
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
