/**
 * `kpi-sync/sdk/testing`: what a connector author tests with. The conformance suite
 * every connector runs (vitest), and contexts built the way the runner builds them.
 */
export { defineConnectorConformance, type ConformanceCase } from './conformance.ts';
export {
  capturedLogger,
  createCheckContext,
  createTestContext,
  memoryConnectionState,
  periodsOf,
  recordedDiagnostics,
  windowAt,
  type RecordedDiagnostics,
  type TestContext,
  type TestContextOptions,
} from './context.ts';
