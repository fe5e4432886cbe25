import { renderTemplate } from '../../sdk/template.ts';
import type { PushPayload } from './push-payload.ts';

/**
 * The generic http target's templates: a URL, header values and a JSON body whose
 * string leaves may hold `{{…}}` placeholders. In the body, a leaf that is exactly
 * one placeholder keeps the value's JSON type (`"{{value}}"` → `42.5`); any other
 * leaf is string-interpolated. Placeholders in the URL are percent-encoded, in header
 * values made safe for a header line.
 */

/** The variables a template may use, from one payload. */
export function templateVars(payload: PushPayload): Record<string, unknown> {
  return {
    // The KR's id on the receiving platform: what a URL or body addresses.
    kr: { id: payload.platformId, configId: payload.kr },
    objective: payload.objective,
    value: payload.value,
    progress: payload.progress,
    period: payload.period,
    note: payload.note,
    confidence: payload.confidence,
    checkInDate: payload.checkInDate,
    key: payload.key,
  };
}

/** Documented names, for config descriptions. */
export const TEMPLATE_VARIABLE_NAMES = ['kr.id', 'kr.configId', 'objective', 'value', 'progress', 'period', 'note', 'confidence', 'checkInDate', 'key'];

/** A payload with every field set, to check templates when the config is loaded. */
export const SAMPLE_PAYLOAD: PushPayload = {
  key: 'push_sample',
  kr: 'sample_kr',
  objective: 'sample_objective',
  platformId: 'sample-platform-id',
  value: 1,
  progress: 0.5,
  confidence: 'on_track',
  note: 'sample note',
  checkInDate: '2026-01-01',
  period: '2026-01-01T00:00:00Z',
};

const SINGLE = /^\{\{\s*([A-Za-z_$][\w$]*(?:\.[\w$]+)*)\s*\}\}$/;

export function renderUrl(template: string, vars: Record<string, unknown>): string {
  return renderTemplate(template, vars, (text) => encodeURIComponent(text));
}

/** Control characters become spaces and anything outside printable ASCII is percent-encoded: fetch refuses other header bytes. */
export function renderHeader(template: string, vars: Record<string, unknown>): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what a header value must not carry.
  return renderTemplate(template, vars, (text) => text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/[^\u0020-\u007e]+/gu, (run) => encodeURIComponent(run)));
}

export function renderBody(template: unknown, vars: Record<string, unknown>): unknown {
  if (typeof template === 'string') {
    const single = SINGLE.exec(template);
    // renderTemplate owns the lookup and its errors; the single-placeholder case only keeps the type.
    if (single?.[1]) {
      const text = renderTemplate(template, vars);
      const value = lookup(vars, single[1]);
      return typeof value === 'number' || typeof value === 'boolean' ? value : text;
    }
    return renderTemplate(template, vars);
  }
  if (Array.isArray(template)) return template.map((item) => renderBody(item, vars));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, renderBody(value, vars)]));
  }
  return template;
}

function lookup(vars: Record<string, unknown>, path: string): unknown {
  let current: unknown = vars;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
