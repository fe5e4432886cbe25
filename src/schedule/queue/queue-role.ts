/** `all`: scheduler and worker in one process (`kpi-sync start`); the others split them. Light on purpose: the CLI reads it in embedded mode too. */
export type QueueRole = 'all' | 'scheduler' | 'worker';

export const QUEUE_ROLES: readonly QueueRole[] = ['all', 'scheduler', 'worker'];
