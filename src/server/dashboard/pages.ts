/**
 * The HTML pages, in one module the server loads on the first request for one: a
 * worker that is only scraped and probed never pays for the dashboard's views and
 * templates (bench/footprint measures `start`).
 */
export { renderDashboard, renderLogin, renderReopen } from './dashboard.page.ts';
export { buildDashboardView } from './dashboard.view.ts';
export { renderBadRange, renderKpiPage, renderUnknownKpi } from './kpi-page.ts';
export { buildKpiPageView } from './kpi-page.view.ts';
