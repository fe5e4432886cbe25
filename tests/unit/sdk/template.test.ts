import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/sdk/errors.ts';
import { renderTemplate } from '../../../src/sdk/template.ts';

const vars = {
  window: { start: '2026-03-01T00:00:00.000+01:00', end: '2026-04-01T00:00:00.000+02:00' },
  team: "O'Brien",
  limit: 50,
  active: true,
  at: new Date('2026-03-01T00:00:00Z'),
};

describe('renderTemplate', () => {
  it('replaces dotted paths, with or without spaces inside the braces', () => {
    expect(renderTemplate('created >= "{{window.start}}" AND created < "{{ window.end }}"', vars)).toBe(
      'created >= "2026-03-01T00:00:00.000+01:00" AND created < "2026-04-01T00:00:00.000+02:00"',
    );
  });

  it('renders numbers, booleans and dates', () => {
    expect(renderTemplate('{{limit}} {{active}} {{at}}', vars)).toBe('50 true 2026-03-01T00:00:00.000Z');
  });

  it('passes each value through escape, with the raw value', () => {
    const soql = (text: string, raw: unknown) => (typeof raw === 'string' ? `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : text);
    expect(renderTemplate('Owner = {{team}} LIMIT {{limit}}', vars, soql)).toBe("Owner = 'O\\'Brien' LIMIT 50");
  });

  it('does not rescan inserted values', () => {
    expect(renderTemplate('{{x}}', { x: '{{window.start}}' })).toBe('{{window.start}}');
  });

  it('names an unknown variable and lists the known ones', () => {
    expect(() => renderTemplate('x > {{window.stat}}', vars)).toThrow(ConfigError);
    expect(() => renderTemplate('x > {{window.stat}}', vars)).toThrow(
      /Unknown template variable \{\{window\.stat\}\}; known variables: window\.start, window\.end/,
    );
    expect(() => renderTemplate('{{nope}}', {})).toThrow('known variables: (none)');
  });

  it('does not reach the prototype chain', () => {
    expect(() => renderTemplate('{{constructor}}', vars)).toThrow('Unknown template variable {{constructor}}');
    expect(() => renderTemplate('{{team.length}}', vars)).toThrow('Unknown template variable {{team.length}}');
  });

  it('rejects null, objects, malformed and unbalanced placeholders', () => {
    expect(() => renderTemplate('{{v}}', { v: null })).toThrow('has no value');
    expect(() => renderTemplate('{{window}}', vars)).toThrow('is an object, not a single value');
    expect(() => renderTemplate('{{ a b }}', vars)).toThrow('is not a variable path');
    expect(() => renderTemplate('{{window.start', vars)).toThrow('unbalanced');
  });

  it('leaves a template without placeholders untouched', () => {
    expect(renderTemplate('SELECT COUNT() FROM Account', {})).toBe('SELECT COUNT() FROM Account');
  });
});
