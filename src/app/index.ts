/**
 * `kpi-sync`: the app as a library, for embedding the worker in another process or
 * building tools on its store. Connector authors want `kpi-sync/sdk` instead.
 */
export { createApp, type App, type AppObserver, type AppParts } from './app.ts';
export { configDirOf, loadAppConfig, loadConfigFolder, type AppConfig, type AppConfigOptions, type GlobalOptions } from './app-config.ts';
export { openStore, storeTarget, type OpenStoreOptions, type StoreTarget } from './open-store.ts';
export { runUntilSignal, type Booted, type Lifecycle } from './run-until-signal.ts';
export { serve, type ServeOptions } from './serve.ts';
export { PACKAGE_VERSION } from './package-info.ts';
export { planSyncRun, runSync, type SyncRequest, type SyncResult } from '../sync/run-sync.ts';
export type { SyncEnvironment } from '../sync/sync-environment.ts';
export type { Catalog, LoadedConnection, LoadedKpi } from '../config/catalog.ts';
export type { Store, SyncRun, OutboxEntry } from '../store/store.ts';
export type { Runtime, RuntimeEvents, ScheduleDiff, StopOutcome } from '../schedule/runtime.ts';
