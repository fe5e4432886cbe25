import { formatValue } from '../../app/format.ts';
import type { HealthState } from '../../domain/types.ts';
import type { KpiCard } from './dashboard.view.ts';
import { html, type SafeHtml } from './html.ts';
import { ago, healthChip } from './labels.ts';
import { sparkline } from './sparkline.ts';

/** A KPI without a band has no health; one with a band that never evaluated has no data. */
export function healthOf(card: Pick<KpiCard, 'health' | 'band'>): HealthState | 'none' {
  if (card.health) return card.health.state;
  return card.band ? 'no_data' : 'none';
}

export function kpiCard(card: KpiCard, now: string): SafeHtml {
  const health = healthOf(card);
  const latest = card.latest;
  // The headline is the period health judges; the other one sits beside it, named.
  const judged = card.judged.point;
  const beside = card.beside.point;
  const number = judged ? formatValue(judged.value) : '—';
  const unit = card.unit ?? '';
  const first = card.spark[0];
  const sparkLabel =
    first && latest
      ? `${card.name}, last ${card.spark.length} periods: ${first.label} ${first.display} to ${latest.label} ${latest.display}`
      : `${card.name}: no data yet`;
  const run = card.lastRun;
  const runLine = !run
    ? html`<span class="muted">Never synced</span>`
    : run.status === 'failed'
      ? html`<span class="run-failed" title="${run.error?.message ?? ''}">Sync failed · ${run.error?.code ?? 'error'}</span>`
      : html`<span class="muted" title="${run.finishedAt ?? run.startedAt}">Synced ${ago(run.finishedAt ?? run.startedAt, now)}</span>`;

  return html`<article class="card tone-border-${health}" data-kpi="${card.id}" data-health="${health}">
    <header class="card-head">
      <h3 class="card-title"${card.description ? html` title="${card.description}"` : ''}><a href="kpis/${encodeURIComponent(card.id)}">${card.name}</a></h3>
      ${healthChip(health)}
    </header>
    <div class="card-value">
      <span class="value" data-value="${judged?.value ?? ''}">${number}</span>${unit ? html`<span class="unit${unit === '%' ? ' unit-tight' : ''}">${unit}</span>` : ''}
    </div>
    <div class="card-meta">
      <span>${card.judged.label} (${card.judged.roleLabel})${judged?.approximate ? ' · approx.' : ''}</span>
      <span class="beside">${card.beside.roleLabel}: ${beside ? beside.display : '—'}</span>
      ${card.indicator ? html`<span class="tag">${card.indicator}</span>` : ''}
    </div>
    ${sparkline(
      card.spark.map((p) => p.value),
      { ...(card.band ? { band: card.band } : {}), label: sparkLabel, health },
    )}
    <footer class="card-foot">
      <span class="band">${card.bandText ? html`Band <b>${card.bandText}</b>` : html`<span class="muted">No health band</span>`}</span>
      ${runLine}
    </footer>
  </article>`;
}
