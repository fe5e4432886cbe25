import { z } from 'zod';

/** How the KR is doing, in our words; each target maps it to its platform's own scale (see confidence.ts). */
export type PushConfidence = 'on_track' | 'at_risk' | 'off_track' | 'achieved' | number;

/**
 * What every OKR platform shares: one check-in of one KR. Built by the push planner,
 * stored as an outbox entry's payload, and handed to a PushTarget on every attempt,
 * so it is plain JSON and the same bytes on a retry hours or a restart later.
 */
export interface PushPayload {
  /** Deterministic over (KR, target, period, value) (src/sync/plan/push-plan.ts pushKey); the outbox event id. */
  key: string;
  /** Our KR id. */
  kr: string;
  /** Our objective id. */
  objective: string;
  /** The KR's (or metric's, KPI's, outcome's) id on the platform: the KR's `push[].id`. */
  platformId: string;
  value: number;
  /** 0..1 */
  progress: number;
  /** A label derived from progress, or the number configured on the KR (0..1). */
  confidence: PushConfidence;
  note: string;
  /** YYYY-MM-DD */
  checkInDate: string;
  /** ISO start of the period the value belongs to. */
  period: string;
  runId?: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The payload as read back from the outbox. Validated before any request is built, so
 * a row written by an older or broken version fails loudly instead of sending garbage.
 */
export const pushPayloadSchema = z.object({
  key: z.string().min(1),
  kr: z.string().min(1),
  objective: z.string().min(1),
  platformId: z.string().min(1),
  value: z.number().refine(Number.isFinite, 'a finite number'),
  progress: z.number().min(0).max(1),
  confidence: z.union([z.enum(['on_track', 'at_risk', 'off_track', 'achieved']), z.number().min(0).max(1)]),
  note: z.string(),
  checkInDate: z.string().regex(ISO_DATE, 'YYYY-MM-DD'),
  period: z.string().min(1),
  runId: z.string().optional(),
});
