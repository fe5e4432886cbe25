import { DASHBOARD_CSS } from './dashboard.css.ts';
import type { DashboardView } from './dashboard.view.ts';
import { html, raw, type SafeHtml } from './html.ts';
import { kpiCard } from './kpi-card.ts';
import { ago, healthChip, utcStamp } from './labels.ts';
import { objectivePanel } from './objective-panel.ts';

/** The page reloads itself this often (seconds): a wall screen stays current with no script. */
export const REFRESH_SECONDS = 60;

export function page(title: string, body: SafeHtml, options: { refresh?: boolean; reopen?: boolean } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.refresh ? html`<meta http-equiv="refresh" content="${REFRESH_SECONDS}">` : ''}${options.reopen ? html`<meta http-equiv="refresh" content="0">` : ''}
<title>${title}</title>
<style>${raw(DASHBOARD_CSS)}</style>
</head>
<body>
${body}
</body>
</html>
`.value;
}

function topbar(view: DashboardView): SafeHtml {
  const failing = view.failing.length;
  const status =
    view.connections === 0
      ? ''
      : failing === 0
        ? html`<span class="pill pill-ok" data-connections="ok">● All ${view.connections} connection${view.connections === 1 ? '' : 's'} OK</span>`
        : html`<span class="pill pill-bad" data-connections="failing">◆ ${failing} connection${failing === 1 ? '' : 's'} failing</span>`;
  return html`<header class="topbar">
    <div class="brand"><span class="brand-mark">kpi<span>·</span>sync</span><span class="brand-sub">KPIs and Key Results</span></div>
    <div class="sync-status">
      <span data-last-sync="${view.lastSync?.at ?? ''}">${
        view.lastSync ? html`Last sync <b>${ago(view.lastSync.at, view.now)}</b> · ${utcStamp(view.lastSync.at)}` : html`No sync yet`
      }</span>
      ${status}
    </div>
  </header>`;
}

function failingAlert(view: DashboardView): SafeHtml | '' {
  if (view.failing.length === 0) return '';
  return html`<section class="alert" role="alert" data-failing>
    <h2>Failing connection${view.failing.length === 1 ? '' : 's'}</h2>
    <ul>${view.failing.map(
      (c) =>
        html`<li data-connection="${c.id}"><b>${c.id}</b> (${c.type}): ${c.failures.map(
          (f, i) => html`${i > 0 ? '; ' : ''}${f.kpi} <code>${f.code}</code> ${f.message}`,
        )}</li>`,
    )}</ul>
  </section>`;
}

function legend(): SafeHtml {
  return html`<footer class="legend">
    <span>${healthChip('ok')} value inside its band</span>
    <span>${healthChip('warn')} past a warning edge</span>
    <span>${healthChip('critical')} past a critical edge</span>
    <span>${healthChip('no_data')} no recent successful sync</span>
    <span><span class="swatch-expected" aria-hidden="true"></span>where a KR should be today</span>
    <span>Refreshes every ${REFRESH_SECONDS} s</span>
  </footer>`;
}

export function renderDashboard(view: DashboardView, unitOf: (kpi: string) => string | undefined): string {
  const kpiCount = view.categories.reduce((n, c) => n + c.kpis.length, 0);
  const body = html`${topbar(view)}
<main>
  ${failingAlert(view)}
  ${kpiCount === 0 ? html`<p class="empty">No KPIs are configured yet.</p>` : ''}
  ${view.categories.map(
    (category) => html`<section class="category" data-category="${category.name}">
      <div class="section-head"><h2>${category.name}</h2><span class="count">${category.kpis.length}</span></div>
      <div class="grid">${category.kpis.map((card) => kpiCard(card, view.now))}</div>
    </section>`,
  )}
  ${
    view.objectives.length
      ? html`<section class="objectives-section">
      <div class="section-head"><h2>Objectives &amp; key results</h2><span class="count">${view.objectives.length}</span></div>
      <div class="objectives">${view.objectives.map((o) => objectivePanel(o, unitOf))}</div>
    </section>`
      : ''
  }
  ${legend()}
</main>`;
  return page('kpi-sync · dashboard', body, { refresh: true });
}

/** The sign-in form; `next` (a KPI page an alert linked to) is where a correct token leads. */
export function renderLogin(error?: string, next?: string): string {
  return page(
    'kpi-sync · sign in',
    html`<main><form class="login" method="post" action="/login">
      <h1>kpi<span>·</span>sync</h1>
      <p class="muted">This dashboard is protected. Enter the token from <code>settings.server.token</code>.</p>
      <label for="token">Token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
      ${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
      <button type="submit">Sign in</button>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    </form></main>`,
  );
}

/** Loads the same address again at once, from this site: see the token guard in server.ts. */
export function renderReopen(): string {
  return page('kpi-sync', html`<main><p class="empty" data-reopen>Opening… <a href="">continue</a></p></main>`, { reopen: true });
}
