/** Child processes the tests start: stopped by their own PID, never by name. */
import type { ChildProcess } from "node:child_process";

/** Sends `signal` to the child's PID unless it has already exited, then waits for its exit. */
export async function stopChild(child: ChildProcess, exited: Promise<unknown>, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(child.pid as number, signal);
    } catch {
      /* already gone */
    }
  }
  await exited;
}
