import { html, type SafeHtml } from './html.ts';

const pct = (fraction: number) => Math.round(Math.max(0, Math.min(1, fraction)) * 1000) / 10;

/**
 * A KR's progress as an inline SVG bar, 0..100 wide: the filled part is the progress
 * (its colour says committed or aspirational, as the design asks), a dark tick marks
 * where the straight line says it should be today, and an aspirational KR gets a
 * dashed tick at 0.7, where it counts as a success.
 */
export function progressBar(input: { progress: number; expected: number; expectedAtDue: number; kind: 'committed' | 'aspirational'; label: string }): SafeHtml {
  const fill = pct(input.progress);
  const expected = pct(input.expected);
  const success = input.kind === 'aspirational' ? pct(input.expectedAtDue) : undefined;
  return html`<svg class="kr-bar kr-bar-${input.kind}" viewBox="0 0 100 12" preserveAspectRatio="none" role="progressbar"
    aria-valuemin="0" aria-valuemax="100" aria-valuenow="${fill}" aria-label="${input.label}"
    data-progress="${fill}" data-expected="${expected}">
    <rect class="kr-track" x="0" y="0" width="100" height="12" rx="0"/>
    <rect class="kr-fill" x="0" y="0" width="${fill}" height="12"/>
    ${success === undefined ? '' : html`<line class="kr-success" x1="${success}" x2="${success}" y1="0" y2="12"/>`}
    <rect class="kr-expected" x="${Math.max(0, Math.min(99.2, expected - 0.4))}" y="0" width="0.8" height="12"><title>Expected by today: ${Math.round(expected)}%</title></rect>
  </svg>`;
}
