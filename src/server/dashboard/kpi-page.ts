import { formatValue } from '../../app/format.ts';
import type { PeriodView } from '../../app/read-model.ts';
import { page } from './dashboard.page.ts';
import { historyChart } from './history-chart.ts';
import { html, type SafeHtml } from './html.ts';
import { healthOf } from './kpi-card.ts';
import type { KpiPageView } from './kpi-page.view.ts';
import { ago, healthChip, utcStamp } from './labels.ts';
import { krRow } from './objective-panel.ts';
import { runsTable } from './runs-table.ts';

/*
 * Links here are relative (`../`, `mrr?from=…`): behind a proxy that serves kpi-sync under
 * a path prefix, they stay inside it, as alert links built from `alerts.dashboardUrl` do.
 */

function topbar(): SafeHtml {
  return html`<header class="topbar">
    <div class="brand"><a class="brand-mark" href="../">kpi<span>·</span>sync</a><span class="brand-sub">KPI detail</span></div>
    <a class="back" href="../">← All KPIs</a>
  </header>`;
}

function periodBox(p: PeriodView, judged: boolean, unit: string | undefined): SafeHtml {
  return html`<div class="period-box${judged ? ' period-judged' : ''}" data-period-role="${judged ? 'judged' : 'beside'}" data-period="${p.label}">
    <span class="period-name">${p.label} <span class="muted">(${p.roleLabel})</span>${judged ? html` <span class="tag">judged</span>` : ''}</span>
    <span class="period-value"><span class="value">${p.point ? formatValue(p.point.value) : '—'}</span>${unit && p.point ? html`<span class="unit${unit === '%' ? ' unit-tight' : ''}">${unit}</span>` : ''}</span>
    ${p.point?.approximate ? html`<span class="muted">approximate</span>` : ''}
  </div>`;
}

function rangeForm(view: KpiPageView): SafeHtml {
  const date = (text: string | undefined) => (text && /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : '');
  const { history } = view;
  return html`<form class="range" method="get" action="${encodeURIComponent(view.kpi.id)}">
    <label>From <input type="date" name="from" value="${date(view.query.from)}"></label>
    <label>To <input type="date" name="to" value="${date(view.query.to)}"></label>
    <button type="submit">Show</button>
    ${history.range.default ? '' : html`<a href="${encodeURIComponent(view.kpi.id)}">default range</a>`}
  </form>`;
}

function history(view: KpiPageView): SafeHtml {
  const { history: h, kpi } = view;
  const last = h.datapoints.at(-1);
  const label = last
    ? `${kpi.name}, ${h.range.label}: ${h.datapoints.length} datapoints, latest ${last.label} ${last.display}`
    : `${kpi.name}, ${h.range.label}: no datapoints`;
  return html`<section class="panel" data-history>
    <div class="section-head"><h2>History</h2><span class="count" data-range>${h.range.label}${h.range.default ? ' (default)' : ''}</span></div>
    ${rangeForm(view)}
    ${historyChart({ points: h.datapoints, interval: h.interval, timezone: h.timezone, unit: h.unit, band: h.band, first: view.axis.first, last: view.axis.last, judged: kpi.judged.period, label })}
    ${h.band ? html`<p class="chart-legend"><span class="swatch zone-ok"></span>ok <span class="swatch zone-warn"></span>warn <span class="swatch zone-critical"></span>critical · band ${h.bandText}</p>` : html`<p class="chart-legend muted">No health band.</p>`}
    ${h.truncated ? html`<p class="muted">Only the most recent ${h.datapoints.length} datapoints of this range are shown.</p>` : ''}
    <details class="values"><summary>Values (${h.datapoints.length})</summary>
      <table><thead><tr><th>Period</th><th>Value</th><th>Observed</th><th>Source</th></tr></thead>
      <tbody>${[...h.datapoints].reverse().map((p) => html`<tr><td>${p.label}</td><td>${p.display}${p.approximate ? ' ≈' : ''}</td><td>${utcStamp(p.observedAt)}</td><td>${p.source}</td></tr>`)}</tbody></table>
    </details>
    <h3 class="sub">Health transitions in this range</h3>
    ${
      h.transitions.length === 0
        ? html`<p class="muted" data-transitions="0">None.</p>`
        : html`<ul class="transitions" data-transitions="${h.transitions.length}">${[...h.transitions]
            .reverse()
            .map(
              (t) =>
                html`<li>${healthChip(t.from)} → ${healthChip(t.to)} ${t.label ? html`on <b>${t.label}</b>` : ''}${t.display ? ` at ${t.display}` : ''} <span class="muted">· ${utcStamp(t.at)}</span></li>`,
            )}</ul>`
    }
  </section>`;
}

function krs(view: KpiPageView): SafeHtml {
  if (view.krs.length === 0)
    return html`<section class="panel"><div class="section-head"><h2>Key results</h2></div><p class="muted">No KR measures this KPI.</p></section>`;
  const byObjective = new Map<string, { title: string; krs: KpiPageView['krs'] }>();
  for (const kr of view.krs) {
    const group = byObjective.get(kr.objective.id) ?? { title: kr.objective.title, krs: [] };
    group.krs.push(kr);
    byObjective.set(kr.objective.id, group);
  }
  return html`<section class="panel" data-krs>
    <div class="section-head"><h2>Key results on this KPI</h2><span class="count">${view.krs.length}</span></div>
    ${[...byObjective].map(([id, group]) => html`<div class="kr-group" data-objective="${id}"><h3 class="sub">${group.title}</h3><ul class="krs">${group.krs.map((kr) => krRow(kr, view.kpi.unit))}</ul></div>`)}
  </section>`;
}

export function renderKpiPage(view: KpiPageView): string {
  const { kpi } = view;
  const health = healthOf(kpi);
  const source = kpi.connection ? html`connection <b>${kpi.connection}</b>` : kpi.formula ? html`formula <code>${kpi.formula}</code>` : '';
  const body = html`${topbar()}
<main class="kpi-page" data-kpi-page="${kpi.id}" data-health="${health}">
  <section class="kpi-head card tone-border-${health}">
    <div class="kpi-title">
      <h1>${kpi.name}</h1>
      ${kpi.description ? html`<p class="muted">${kpi.description}</p>` : ''}
      <p class="kpi-facts">${kpi.category} · every ${kpi.interval} · ${kpi.timezone}${source ? html` · ${source}` : ''}${kpi.indicator ? html` · <span class="tag">${kpi.indicator}</span>` : ''}</p>
    </div>
    <div class="health-now" data-health-since="${kpi.health?.since ?? ''}">
      ${healthChip(health)}
      <span class="muted">${kpi.health ? html`since ${utcStamp(kpi.health.since)} (${ago(kpi.health.since, view.now)})` : kpi.band ? 'never evaluated' : 'no health band'}</span>
    </div>
  </section>
  <section class="periods">
    ${periodBox(kpi.judged, true, kpi.unit)}
    ${periodBox(kpi.beside, false, kpi.unit)}
    <div class="period-box"><span class="period-name">Band</span><span class="band">${kpi.bandText ? html`<b>${kpi.bandText}</b>` : html`<span class="muted">No health band</span>`}</span><span class="muted">judged on ${kpi.evaluate.period === 'closed' ? `the last closed ${kpi.interval}` : `the current ${kpi.interval}`} (${kpi.evaluate.reason})</span></div>
  </section>
  ${history(view)}
  <section class="panel" data-runs>
    <div class="section-head"><h2>Recent sync runs</h2><span class="count">${view.runs.length}</span></div>
    ${runsTable(view.runs, view.now)}
  </section>
  ${krs(view)}
</main>`;
  return page(`kpi-sync · ${kpi.name}`, body);
}

/** A small page for an id the config does not have (an old alert link, a typo), with the way back. */
export function renderUnknownKpi(id: string, suggestion: string | undefined): string {
  return page(
    'kpi-sync · unknown KPI',
    html`${topbar()}<main><section class="panel notice" data-unknown-kpi="${id}">
      <h1>No KPI “${id}”</h1>
      <p>The config in force has no KPI with this id. It may have been renamed or removed since the link was made.</p>
      ${suggestion ? html`<p>Did you mean <a href="${encodeURIComponent(suggestion)}">${suggestion}</a>?</p>` : ''}
      <p><a href="../">← Back to the dashboard</a></p>
    </section></main>`,
  );
}

/** The range could not be read: say which part, and offer the default one. */
export function renderBadRange(id: string, problem: string): string {
  return page(
    'kpi-sync · bad range',
    html`${topbar()}<main><section class="panel notice" data-bad-range>
      <h1>That range cannot be shown</h1>
      <p><code>${problem}</code></p>
      <p>Dates are written YYYY-MM-DD. <a href="${encodeURIComponent(id)}">Show the default range</a> · <a href="../">← Back to the dashboard</a></p>
    </section></main>`,
  );
}
