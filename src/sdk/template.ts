import { ConfigError } from './errors.ts';

/**
 * Turns a value into the text placed in the query. `text` is the default rendering
 * (strings as-is, numbers, booleans, dates as ISO 8601); `raw` is the value itself,
 * so a SOQL escaper can quote strings but leave numbers and datetimes bare.
 */
export type TemplateEscape = (text: string, raw: unknown) => string;

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const PATH = /^[A-Za-z_$][\w$]*(\.[\w$]+)*$/;

/**
 * Replaces every `{{path.to.value}}` (whitespace inside the braces allowed) with the
 * value found at that path in `vars`, e.g. `{{window.start}}`. Throws a ConfigError
 * naming the placeholder when the path is unknown, its value is null or an object,
 * the placeholder is malformed, or a `{{` is never closed. Inserted values are not
 * scanned again, so a value containing `{{` stays literal.
 */
export function renderTemplate(template: string, vars: Record<string, unknown>, escapeValue?: TemplateEscape): string {
  const withoutPlaceholders = template.replace(PLACEHOLDER, '');
  if (withoutPlaceholders.includes('{{') || withoutPlaceholders.includes('}}')) {
    throw new ConfigError(`Template has an unbalanced "{{" or "}}": ${JSON.stringify(shorten(template))}`);
  }
  return template.replace(PLACEHOLDER, (_match, inner: string) => {
    const path = inner.trim();
    if (!PATH.test(path)) {
      throw new ConfigError(`Template placeholder {{${inner}}} is not a variable path like {{window.start}}`);
    }
    const value = lookup(vars, path);
    if (value === undefined) {
      throw new ConfigError(`Unknown template variable {{${path}}}; known variables: ${knownPaths(vars).join(', ') || '(none)'}`);
    }
    const text = toText(value, path);
    return escapeValue ? escapeValue(text, value) : text;
  });
}

function lookup(vars: Record<string, unknown>, path: string): unknown {
  let current: unknown = vars;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    // Own properties only: {{constructor}} or {{a.__proto__}} must not reach the prototype.
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function toText(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ConfigError(`Template variable {{${path}}} is an invalid date`);
    return value.toISOString();
  }
  if (value === null) throw new ConfigError(`Template variable {{${path}}} has no value (null)`);
  throw new ConfigError(`Template variable {{${path}}} is ${Array.isArray(value) ? 'a list' : 'an object'}, not a single value`);
}

/** Leaf paths two levels deep, enough to point at the typo in an error message. */
function knownPaths(vars: Record<string, unknown>): string[] {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(vars)) {
    if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value)) {
      for (const child of Object.keys(value)) paths.push(`${key}.${child}`);
    } else {
      paths.push(key);
    }
  }
  return paths.slice(0, 30);
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/**
 * Whether a query (any nesting of strings, arrays and objects) reads the sync window
 * through a `{{window.*}}` placeholder: such a query aggregates what happened during
 * the window (a flow), one without reads a level now (a snapshot). For `Connector.measure`.
 */
export function usesWindow(query: unknown): boolean {
  if (typeof query === 'string') return /\{\{\s*window\./.test(query);
  if (Array.isArray(query)) return query.some(usesWindow);
  if (query && typeof query === 'object') return Object.values(query).some(usesWindow);
  return false;
}
