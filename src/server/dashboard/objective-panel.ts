import { formatRange, formatValue } from '../../app/format.ts';
import type { KrView, ObjectiveView } from '../../app/read-model.ts';
import { html, type SafeHtml } from './html.ts';
import { kindBadge, trackChip } from './labels.ts';
import { progressBar } from './progress-bar.ts';

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

/** One KR as a list item: title, kind, track, progress bar with the expected-by-today tick, goal and due date. */
export function krRow(kr: KrView, unit: string | undefined): SafeHtml {
  const p = kr.progress;
  const goal =
    kr.direction === 'maintain' ? html`keep in <b>${formatRange(kr.band)}</b>` : html`${formatValue(kr.start, unit)} → <b>${formatValue(kr.target, unit)}</b>`;
  return html`<li class="kr" data-kr="${kr.id}" data-kind="${kr.kind}" data-track="${p?.track ?? 'none'}">
    <div class="kr-head">
      <span class="kr-title">${kr.title}</span>
      <span class="kr-badges">${kindBadge(kr.kind)}${trackChip(p?.track)}</span>
    </div>
    <div class="kr-body">
      ${
        p
          ? progressBar({
              progress: p.progress,
              expected: p.expected,
              expectedAtDue: p.expectedAtDue,
              kind: kr.kind,
              label: `${kr.title}: ${percent(p.progress)} done, ${percent(p.expected)} expected by today`,
            })
          : progressBar({ progress: 0, expected: 0, expectedAtDue: kr.kind === 'aspirational' ? 0.7 : 1, kind: kr.kind, label: `${kr.title}: not synced yet` })
      }
      <span class="kr-pct">${p ? percent(p.progress) : '—'}</span>
    </div>
    <div class="kr-foot">
      <span>Now <b>${p ? p.display : '—'}</b></span>
      <span>${goal}</span>
      <span class="kr-expected-text"><span class="swatch-expected" aria-hidden="true"></span>expected today ${p ? percent(p.expected) : '—'}</span>
      <span>due ${kr.dueDate}</span>
    </div>
  </li>`;
}

export function objectivePanel(objective: ObjectiveView, unitOf: (kpi: string) => string | undefined): SafeHtml {
  const synced = objective.krs.filter((kr) => kr.progress);
  const good = synced.filter((kr) => kr.progress!.track === 'on_track' || kr.progress!.track === 'achieved').length;
  return html`<section class="objective" data-objective="${objective.id}">
    <header class="objective-head">
      <div>
        <h3>${objective.title}</h3>
        ${objective.owner ? html`<span class="muted">Owner: ${objective.owner}</span>` : ''}
      </div>
      <span class="objective-summary">${synced.length ? `${good} of ${objective.krs.length} on track` : 'not synced yet'}</span>
    </header>
    <ul class="krs">${objective.krs.map((kr) => krRow(kr, unitOf(kr.kpi)))}</ul>
  </section>`;
}
