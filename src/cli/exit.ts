/**
 * Ends a long-running command once it has stopped cleanly. Everything kpi-sync opened
 * is closed by then, but a connector that ignored its abort signal may still hold a
 * socket, and the promise of "exits within the deadline" must not depend on it.
 * Log lines are written synchronously, so nothing is lost by exiting here.
 */
export function exitWith(code: number): void {
  process.exit(code);
}
