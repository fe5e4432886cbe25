/**
 * Named points between the steps of a sync and of a delivery where the crash-matrix
 * tests stop a real process (tests/integration/crash-matrix.test.ts). Inert unless the
 * process was started with KPI_SYNC_FAULT_POINT naming one: then, on reaching it, the
 * process says so on stderr and waits there for the test's SIGKILL. A crash anywhere
 * between two steps is equivalent to a crash at the point between them, so these few
 * points cover every interleaving of "what was written" and "what was sent".
 */
export type FaultPoint = 'sync.after-read' | 'sync.before-commit' | 'sync.after-commit' | 'delivery.before-send' | 'delivery.after-send';

const armed = process.env.KPI_SYNC_FAULT_POINT;

export async function faultPoint(point: FaultPoint): Promise<void> {
  if (armed !== point) return;
  process.stderr.write(`KPI_SYNC_FAULT_POINT reached: ${point}\n`);
  // Parked for good: only the test's SIGKILL ends this process.
  await new Promise(() => setInterval(() => undefined, 60_000));
}
