import { z } from 'zod';
import { destinationConfigSchema } from '../notify/destinations/schemas.ts';
import { baseUrl } from '../sdk/url.ts';
import { duration, ianaZone, id } from './primitives.ts';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a wall-clock time as HH:mm, e.g. "22:00"');

export const routeSchema = z.strictObject({
  name: id,
  match: z
    .strictObject({
      kpis: z.array(id).optional().describe('KPI ids.'),
      categories: z.array(z.string()).optional(),
      tags: z.array(z.string()).optional(),
    })
    .default({})
    .describe('Any listed id, category or tag matches; leave it out to match every KPI.'),
  destinations: z.array(id).min(1).describe('Names under alerts.destinations.'),
  notify: z
    .array(z.enum(['warn', 'critical', 'resolved', 'no_data']))
    .min(1)
    .default(['warn', 'critical', 'resolved'])
    .describe('Which transitions notify. "resolved" goes out only for states this route was told about (send_resolved).'),
  repeatInterval: duration.optional().describe('Notify again while still firing, e.g. "4h" (Alertmanager repeat_interval). Default: never.'),
  quietHours: z
    .strictObject({
      start: clock,
      end: clock,
      timezone: ianaZone.default('UTC'),
      exceptCritical: z.boolean().default(false).describe('Let critical alerts through during quiet hours.'),
    })
    .optional()
    .describe('Hold notifications between start and end (may cross midnight); they go out when the quiet hours end. Off by default.'),
});

export const alertsSchema = z.strictObject({
  destinations: z.array(destinationConfigSchema).default([]),
  routes: z.array(routeSchema).default([]),
  dashboardUrl: baseUrl().optional().describe('Base URL of the dashboard, for links in alerts: <url>/kpis/<id>.'),
  delivery: z
    .strictObject({
      maxAge: duration.default('24h').describe('An alert not delivered within this long is dead-lettered.'),
      baseDelayMs: z.int().min(10).default(5_000).describe('First retry backoff (exponential, full jitter).'),
      maxDelayMs: z.int().min(10).default(900_000).describe('Longest backoff between two attempts.'),
      leaseMs: z
        .int()
        .min(100)
        .default(300_000)
        .describe(
          'How long an attempt may be in flight: a process that died mid-attempt has it tried again after this (receivers deduplicate on the event id).',
        ),
    })
    .default({ maxAge: '24h', baseDelayMs: 5_000, maxDelayMs: 900_000, leaseMs: 300_000 }),
});

export type AlertsConfig = z.infer<typeof alertsSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
