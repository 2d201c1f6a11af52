/** Signals that end a build and trigger cleanup. */
const CLEANUP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

/** Longest wait for cleanups before the signal is re-raised anyway. */
const CLEANUP_TIMEOUT_MS = 20_000;

type Cleanup = (signal: NodeJS.Signals) => Promise<void>;

const cleanups = new Set<Cleanup>();
let installed = false;

function onSignal(signal: NodeJS.Signals): void {
  // A second Ctrl-C during cleanup gets the default behaviour at once.
  uninstall();
  const running = [...cleanups];
  cleanups.clear();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLEANUP_TIMEOUT_MS);
  });
  void Promise.race([Promise.allSettled(running.map((cleanup) => cleanup(signal))), timeout]).finally(() => {
    clearTimeout(timer);
    // Our handlers are gone: re-raising gives the process's own behaviour
    // (its other handlers, or Node's default: exit by the signal).
    process.kill(process.pid, signal);
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of CLEANUP_SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const signal of CLEANUP_SIGNALS) process.off(signal, onSignal);
}

/**
 * Runs `cleanup` if SIGINT or SIGTERM arrives while it is registered, then
 * re-raises the signal. Handlers are installed only while at least one
 * cleanup is registered (i.e. while a build runs). Returns the unregister
 * function.
 */
export function onProcessSignal(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  install();
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) uninstall();
  };
}

/** True while handlers are installed (for tests). */
export function processSignalHandlersInstalled(): boolean {
  return installed;
}
