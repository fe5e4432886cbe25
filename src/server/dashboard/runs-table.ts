import type { SyncRun } from '../../store/store.ts';
import { html, type SafeHtml } from './html.ts';
import { ago, utcStamp } from './labels.ts';

/** Rejected rows listed per run: the first few say what is wrong; the store keeps up to 100 for the API. */
const REJECTS_SHOWN = 3;

/** 840 ms, 3.2 s, 2 min 5 s. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const s = Math.round(ms / 1_000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** A CSV row is a line number; other sources name a record (a Jira issue key, an Intercom id). */
function where(at: number | string): string {
  return typeof at === 'number' ? `line ${at}` : at;
}

const STATUS_TONE: Record<SyncRun['status'], string> = { ok: 'ok', failed: 'critical', aborted: 'warn', deferred: 'none', running: 'none' };

function rejectsCell(run: SyncRun): SafeHtml | string {
  if (!run.rejected) return html`<span class="muted">0</span>`;
  const shown = (run.rejects ?? []).slice(0, REJECTS_SHOWN);
  const more = run.rejected - shown.length;
  return html`<b>${run.rejected}</b><ul class="rejects">${shown.map((r) => html`<li data-where="${String(r.where)}"><b>${where(r.where)}</b>: ${r.reason}</li>`)}${
    more > 0 ? html`<li class="muted">… ${more} more (GET /api/runs keeps the first 100)</li>` : ''
  }</ul>`;
}

function usageCell(run: SyncRun): SafeHtml | string {
  if (!run.apiUsage) return html`<span class="muted">—</span>`;
  const { used, limit } = run.apiUsage;
  const pct = limit > 0 ? Math.round((used / limit) * 100) : 0;
  return html`<span data-api-used="${used}" data-api-limit="${limit}">${used.toLocaleString('en-US')} / ${limit.toLocaleString('en-US')} (${pct}%)</span>`;
}

/** The KPI page's recent runs, newest first: what ran, how it went, what it could not use, and what it cost. */
export function runsTable(runs: readonly SyncRun[], now: string): SafeHtml {
  if (runs.length === 0) return html`<p class="empty">No sync has run yet.</p>`;
  return html`<div class="table-wrap"><table class="runs">
    <thead><tr><th>Started</th><th>Mode</th><th>Status</th><th>Duration</th><th>Read</th><th>Rejected rows</th><th>Error</th><th>API usage</th></tr></thead>
    <tbody>${runs.map(
      (run) => html`<tr data-run="${run.id}" data-status="${run.status}">
        <td title="${run.startedAt}">${utcStamp(run.startedAt)}<br><span class="muted">${ago(run.startedAt, now)}</span></td>
        <td>${run.mode}</td>
        <td><span class="chip tone-${STATUS_TONE[run.status]}">${run.status}</span></td>
        <td>${duration(run.durationMs)}</td>
        <td>${run.rawValues === undefined ? '—' : html`${run.rawValues} raw → ${run.datapoints ?? 0} point${run.datapoints === 1 ? '' : 's'}`}</td>
        <td class="rejected">${rejectsCell(run)}</td>
        <td class="error">${run.error ? html`<code>${run.error.code}</code> ${run.error.message}` : html`<span class="muted">—</span>`}</td>
        <td>${usageCell(run)}</td>
      </tr>`,
    )}</tbody>
  </table></div>`;
}
