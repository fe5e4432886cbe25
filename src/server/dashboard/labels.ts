import type { HealthState, TrackState } from '../../domain/types.ts';
import { html, type SafeHtml } from './html.ts';

/**
 * Health and track are never told by colour alone: each chip carries a shape and a
 * word, and the colours are from the Okabe–Ito palette, which stays distinct under
 * the common colour-vision deficiencies.
 */
const HEALTH: Record<HealthState | 'none', { text: string; icon: string }> = {
  ok: { text: 'Healthy', icon: '●' },
  warn: { text: 'Warning', icon: '▲' },
  critical: { text: 'Critical', icon: '◆' },
  no_data: { text: 'No data', icon: '○' },
  none: { text: 'No band', icon: '–' },
};

const TRACK: Record<TrackState, { text: string; icon: string; tone: HealthState }> = {
  achieved: { text: 'Achieved', icon: '★', tone: 'ok' },
  on_track: { text: 'On track', icon: '●', tone: 'ok' },
  at_risk: { text: 'At risk', icon: '▲', tone: 'warn' },
  off_track: { text: 'Off track', icon: '◆', tone: 'critical' },
};

export function healthChip(state: HealthState | 'none'): SafeHtml {
  const { text, icon } = HEALTH[state];
  return html`<span class="chip tone-${state}" data-health="${state}"><span class="chip-icon" aria-hidden="true">${icon}</span>${text}</span>`;
}

export function trackChip(track: TrackState | undefined): SafeHtml {
  if (!track) return html`<span class="chip tone-none" data-track="none"><span class="chip-icon" aria-hidden="true">–</span>Not synced</span>`;
  const { text, icon, tone } = TRACK[track];
  return html`<span class="chip tone-${tone}" data-track="${track}"><span class="chip-icon" aria-hidden="true">${icon}</span>${text}</span>`;
}

export function kindBadge(kind: 'committed' | 'aspirational'): SafeHtml {
  return kind === 'committed'
    ? html`<span class="badge kind-committed" title="Committed: 100% expected by the due date">Committed</span>`
    : html`<span class="badge kind-aspirational" title="Aspirational: 70% by the due date is a success">Aspirational</span>`;
}

const MINUTE = 60_000;

/** "just now", "4 min ago", "3 h ago", "2 days ago". */
export function ago(iso: string, now: string): string {
  const ms = Date.parse(now) - Date.parse(iso);
  if (!Number.isFinite(ms) || ms < MINUTE) return 'just now';
  if (ms < 60 * MINUTE) return `${Math.floor(ms / MINUTE)} min ago`;
  if (ms < 48 * 60 * MINUTE) return `${Math.floor(ms / (60 * MINUTE))} h ago`;
  return `${Math.floor(ms / (24 * 60 * MINUTE))} days ago`;
}

/** 2026-11-23 14:02 UTC */
export function utcStamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
