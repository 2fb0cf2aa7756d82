/**
 * Last-resort cleanup: whatever is registered here runs synchronously when this process exits,
 * however it exits (normal end, thrown error, Ctrl-C handled by the caller). Scenarios register
 * their child processes and temp dirs, and unregister them once they cleaned up normally.
 */
const cleanups = new Set<() => void>();
let hooked = false;

export function onExitCleanup(cleanup: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const fn of cleanups) {
        try {
          fn();
        } catch {
          // Keep going: every other child still has to go.
        }
      }
    });
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}
