/**
 * The dashboard's only stylesheet, inlined in the page: no build step and no asset
 * requests. Health colours are Okabe–Ito (colour-blind safe) and always come with a
 * shape and a word; text colours keep at least 4.5:1 contrast on their backgrounds.
 */
export const DASHBOARD_CSS = `
:root {
  --bg: #f4f6f9; --panel: #ffffff; --ink: #1b2330; --muted: #5d6778; --line: #e2e7ee;
  --ok: #009e73; --ok-ink: #00694d; --ok-bg: #e3f4ee;
  --warn: #e69f00; --warn-ink: #7f5600; --warn-bg: #fdf1d8;
  --critical: #d55e00; --critical-ink: #a03f00; --critical-bg: #fbe8dc;
  --none: #8a94a6; --none-ink: #4a5365; --none-bg: #eceff4;
  --committed: #0072b2; --aspirational: #cc79a7; --expected: #1b2330;
  --radius: 12px;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
}
.muted { color: var(--muted); }
b { font-weight: 600; }

.topbar {
  display: flex; align-items: center; justify-content: space-between; gap: 16px; flex-wrap: wrap;
  padding: 14px 28px; background: #17202e; color: #f3f5f8;
}
.brand { display: flex; align-items: baseline; gap: 12px; }
.brand-mark { font-weight: 700; letter-spacing: .02em; font-size: 18px; }
.brand-mark span { color: #56b4e9; }
.brand-sub { color: #b8c1cf; font-size: 14px; }
.sync-status { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; font-size: 14px; color: #d5dbe4; }
.sync-status b { color: #fff; }
.pill { display: inline-flex; align-items: center; gap: 6px; padding: 3px 10px; border-radius: 999px; font-weight: 600; font-size: 13px; }
.pill-ok { background: #0c3d31; color: #8ee0c3; }
.pill-bad { background: #4a2410; color: #ffc59e; }

main { max-width: 1360px; margin: 0 auto; padding: 22px 28px 40px; }
.alert {
  border: 1px solid var(--critical); border-left-width: 6px; background: var(--critical-bg); color: var(--ink);
  border-radius: var(--radius); padding: 12px 16px; margin-bottom: 22px;
}
.alert h2 { margin: 0 0 6px; font-size: 15px; color: var(--critical-ink); }
.alert ul { margin: 0; padding-left: 18px; }
.alert code { font-size: 12.5px; background: rgba(255,255,255,.7); padding: 1px 5px; border-radius: 4px; }

.section-head { display: flex; align-items: baseline; gap: 10px; margin: 26px 0 12px; }
.section-head h2 { margin: 0; font-size: 13px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); }
.section-head .count { font-size: 12px; color: var(--muted); background: var(--line); border-radius: 999px; padding: 1px 8px; }

.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(270px, 1fr)); gap: 16px; }
.card {
  background: var(--panel); border-radius: var(--radius); padding: 14px 16px 12px;
  border: 1px solid var(--line); border-top: 4px solid var(--none);
  box-shadow: 0 1px 2px rgba(23,32,46,.05), 0 4px 14px rgba(23,32,46,.04);
  display: flex; flex-direction: column; gap: 6px; min-width: 0;
}
.tone-border-ok { border-top-color: var(--ok); }
.tone-border-warn { border-top-color: var(--warn); }
.tone-border-critical { border-top-color: var(--critical); }
.tone-border-no_data { border-top-color: var(--none); border-top-style: dashed; }
.card-head { display: flex; align-items: flex-start; justify-content: space-between; gap: 8px; }
.card-title { margin: 0; font-size: 14.5px; font-weight: 600; line-height: 1.3; overflow-wrap: anywhere; }
.card-value { display: flex; align-items: baseline; gap: 6px; margin-top: 2px; }
.value { font-size: 30px; font-weight: 700; letter-spacing: -.01em; font-variant-numeric: tabular-nums; line-height: 1.1; }
.unit { font-size: 14px; color: var(--muted); font-weight: 600; }
.unit-tight { margin-left: -4px; font-size: 20px; color: var(--ink); }
.card-meta { display: flex; justify-content: space-between; align-items: center; font-size: 13px; color: var(--muted); }
.tag { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; border: 1px solid var(--line); border-radius: 6px; padding: 0 6px; color: var(--muted); }
.card-foot { display: flex; justify-content: space-between; gap: 8px; flex-wrap: wrap; font-size: 12.5px; border-top: 1px solid var(--line); padding-top: 8px; margin-top: 2px; }
.run-failed { color: var(--critical-ink); font-weight: 600; }

.chip {
  display: inline-flex; align-items: center; gap: 5px; white-space: nowrap;
  font-size: 12px; font-weight: 600; padding: 2px 9px 2px 7px; border-radius: 999px;
}
.chip-icon { font-size: 10px; line-height: 1; }
.tone-ok { background: var(--ok-bg); color: var(--ok-ink); }
.tone-warn { background: var(--warn-bg); color: var(--warn-ink); }
.tone-critical { background: var(--critical-bg); color: var(--critical-ink); }
.tone-no_data, .tone-none { background: var(--none-bg); color: var(--none-ink); }

.spark { display: block; width: 100%; height: auto; margin: 4px 0 2px; overflow: visible; }
.spark-empty { height: 56px; display: flex; align-items: center; justify-content: center; color: var(--muted); font-size: 13px; background: repeating-linear-gradient(135deg, #f7f8fa 0 8px, #f1f3f6 8px 16px); border-radius: 8px; margin: 4px 0 2px; }
.spark-zone { opacity: .11; }
.zone-ok { fill: var(--ok); }
.zone-warn { fill: var(--warn); opacity: .16; }
.zone-critical { fill: var(--critical); opacity: .13; }
.spark-area { fill: #56b4e9; opacity: .13; }
.spark-line { fill: none; stroke: #2b6fa8; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
.spark-dot { stroke: #fff; stroke-width: 1.5; fill: var(--none); }
.spark-dot.health-ok { fill: var(--ok); }
.spark-dot.health-warn { fill: var(--warn); }
.spark-dot.health-critical { fill: var(--critical); }

.objectives { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 16px; }
.objective { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 16px 18px 6px; box-shadow: 0 1px 2px rgba(23,32,46,.05); }
.objective-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 10px; margin-bottom: 6px; }
.objective-head h3 { margin: 0; font-size: 16px; }
.objective-head .muted { font-size: 13px; }
.objective-summary { font-size: 12.5px; color: var(--muted); white-space: nowrap; }
.krs { list-style: none; margin: 0; padding: 0; }
.kr { padding: 12px 0; border-top: 1px solid var(--line); }
.kr:first-child { border-top: 0; }
.kr-head { display: flex; justify-content: space-between; align-items: center; gap: 10px; flex-wrap: wrap; }
.kr-title { font-weight: 600; font-size: 14px; }
.kr-badges { display: inline-flex; gap: 6px; align-items: center; }
.badge { font-size: 11px; font-weight: 600; letter-spacing: .03em; padding: 2px 8px; border-radius: 6px; border: 1.5px solid; }
.kind-committed { color: var(--committed); border-color: var(--committed); }
.kind-aspirational { color: #9c4a7a; border-color: var(--aspirational); border-style: dashed; }
.kr-body { display: flex; align-items: center; gap: 12px; margin: 8px 0 6px; }
.kr-bar { flex: 1; height: 12px; border-radius: 6px; overflow: hidden; display: block; }
.kr-track { fill: #e6eaf0; }
.kr-bar-committed .kr-fill { fill: var(--committed); }
.kr-bar-aspirational .kr-fill { fill: var(--aspirational); }
.kr-expected { fill: var(--expected); }
.kr-success { stroke: #6b3a58; stroke-width: 1.5; stroke-dasharray: 2 2; vector-effect: non-scaling-stroke; }
.kr-pct { width: 44px; text-align: right; font-weight: 700; font-variant-numeric: tabular-nums; }
.kr-foot { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12.5px; color: var(--muted); }
.kr-foot b { color: var(--ink); }
.swatch-expected { display: inline-block; width: 3px; height: 11px; background: var(--expected); margin-right: 5px; vertical-align: -1px; border-radius: 1px; }

.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 12.5px; color: var(--muted); margin-top: 28px; padding-top: 14px; border-top: 1px solid var(--line); }
.legend .chip { margin-right: 4px; }
.empty { background: var(--panel); border: 1px dashed var(--line); border-radius: var(--radius); padding: 18px; color: var(--muted); }

.login { max-width: 380px; margin: 12vh auto; background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 26px; }
.login h1 { margin: 0 0 6px; font-size: 20px; }
.login label { display: block; font-size: 13px; color: var(--muted); margin: 16px 0 6px; }
.login input { width: 100%; font: inherit; padding: 9px 11px; border: 1px solid #c6cdd8; border-radius: 8px; }
.login button { margin-top: 14px; width: 100%; font: inherit; font-weight: 600; padding: 9px; border: 0; border-radius: 8px; background: var(--committed); color: #fff; cursor: pointer; }
.login .error { color: var(--critical-ink); font-size: 13px; margin-top: 10px; }

a { color: #1d5f99; }
.card-title a { color: inherit; text-decoration: none; }
.card-title a:hover, .card-title a:focus-visible { text-decoration: underline; }
a.brand-mark { color: inherit; text-decoration: none; }
.back { color: #d5dbe4; font-size: 14px; }

.kpi-page { display: flex; flex-direction: column; gap: 16px; }
.kpi-head { flex-direction: row; justify-content: space-between; align-items: flex-start; flex-wrap: wrap; gap: 12px; }
.kpi-head h1 { margin: 0; font-size: 22px; }
.kpi-head p { margin: 4px 0 0; }
.kpi-facts { font-size: 13px; color: var(--muted); }
.health-now { display: flex; flex-direction: column; align-items: flex-end; gap: 4px; font-size: 13px; }
.periods { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 16px; }
.period-box { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 12px 16px; display: flex; flex-direction: column; gap: 4px; font-size: 13px; }
.period-judged { border-left: 4px solid var(--committed); }
.period-name { font-weight: 600; }
.period-value { display: flex; align-items: baseline; gap: 6px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 4px 18px 16px; box-shadow: 0 1px 2px rgba(23,32,46,.05); min-width: 0; }
.panel .section-head { margin-top: 12px; }
.notice { max-width: 640px; margin: 8vh auto; padding: 18px 24px; }
.notice h1 { font-size: 20px; margin: 6px 0 10px; }
h3.sub { font-size: 13px; margin: 16px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .06em; }

.range { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; font-size: 13px; margin-bottom: 8px; }
.range input { font: inherit; padding: 3px 6px; border: 1px solid #c6cdd8; border-radius: 6px; }
.range button { font: inherit; font-weight: 600; padding: 4px 12px; border: 0; border-radius: 6px; background: var(--committed); color: #fff; cursor: pointer; }
.history-chart { display: block; width: 100%; height: auto; }
.chart-empty { height: 120px; display: flex; align-items: center; justify-content: center; color: var(--muted); background: repeating-linear-gradient(135deg, #f7f8fa 0 8px, #f1f3f6 8px 16px); border-radius: 8px; }
.zone { opacity: .14; }
.zone.zone-warn { opacity: .2; }
.grid { stroke: var(--line); stroke-width: 1; }
.axis { stroke: #9aa3b2; stroke-width: 1; }
.tick { font-size: 11px; fill: var(--muted); }
.band-edge { stroke: #7a8496; stroke-width: 1; stroke-dasharray: 4 3; }
.judged-mark { stroke: var(--committed); stroke-width: 1.5; stroke-dasharray: 2 3; }
.history-line { fill: none; stroke: #2b6fa8; stroke-width: 2; stroke-linejoin: round; }
.point { stroke: #fff; stroke-width: 1.5; fill: #2b6fa8; }
.point-ok { fill: var(--ok); }
.point-warn { fill: var(--warn); }
.point-critical { fill: var(--critical); }
.point-approx { fill: #fff; stroke: #2b6fa8; stroke-width: 2; }
.chart-legend { font-size: 12.5px; color: var(--muted); display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; opacity: .5; }
span.swatch.zone-ok { background: var(--ok); }
span.swatch.zone-warn { background: var(--warn); }
span.swatch.zone-critical { background: var(--critical); }
details.values summary { cursor: pointer; font-size: 13px; color: var(--muted); margin-top: 8px; }
.transitions { margin: 0; padding-left: 18px; font-size: 13px; }
.transitions li { margin: 4px 0; }

.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th { text-align: left; font-weight: 600; color: var(--muted); border-bottom: 1px solid var(--line); padding: 6px 8px; white-space: nowrap; }
td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
.rejects { margin: 4px 0 0; padding-left: 16px; color: var(--critical-ink); }
td.error code { font-size: 12px; background: var(--critical-bg); padding: 1px 5px; border-radius: 4px; }

@media (max-width: 640px) {
  .topbar, main { padding-left: 14px; padding-right: 14px; }
  .objectives { grid-template-columns: 1fr; }
  .health-now { align-items: flex-start; }
}
`;
