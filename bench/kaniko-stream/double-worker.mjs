// Plain JavaScript on purpose: run under a TypeScript loader (tsx), this process spent about twice the CPU per
// streamed build, mostly in garbage collection, and on 2 cores that CPU is taken from the builder's gzip threads.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { startKubernetesDouble } from "@flavorstack/testing";
import { KANIKO_NAMESPACE } from "@flavorstack/testing/kaniko";

/**
 * The Kubernetes API double in its own process (`--double child`), so its
 * server-side work (attach frames, stdin) does not share build()'s event loop.
 * argv: <stats dir> <termination message> [stdin high water mark, bytes]. Prints `{ kubeconfig, contextName }`
 * as one JSON line; stops when its stdin ends and prints `{ pods }` left over.
 */
const [statsDir, terminationMessage, highWater] = process.argv.slice(2);

/** @param {import("@flavorstack/testing").ExecutorContext} context */
async function drainingExecutor(context) {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  let bytes = 0;
  for await (const chunk of context.stdin) bytes += chunk.length;
  const cpu = process.cpuUsage(cpuStart);
  writeFileSync(
    path.join(statsDir, "last.json"),
    JSON.stringify({ bytes, ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 }),
  );
  return { exitCode: 0, terminationMessage };
}

const cluster = await startKubernetesDouble({
  namespaces: [KANIKO_NAMESPACE],
  executor: drainingExecutor,
  timings: { scheduleMs: 0, pullMs: 0, startMs: 0 },
  ...(highWater ? { stdinHighWaterMark: Number(highWater) } : {}),
});
console.log(JSON.stringify({ kubeconfig: cluster.kubeconfig, contextName: cluster.contextName }));
process.stdin.resume();
process.stdin.on("end", () => {
  const pods = cluster.pods().length;
  void cluster.stop().then(() => {
    console.log(JSON.stringify({ pods }));
    process.exit(0);
  });
});
