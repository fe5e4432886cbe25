import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/app/redactor.ts';
import { parseOutputFormat, scrubDeep } from '../../../src/cli/output.ts';

describe('--output', () => {
  it('takes table or json, and anything else is a usage error with the closest choice', () => {
    expect(parseOutputFormat('table')).toBe('table');
    expect(parseOutputFormat('json')).toBe('json');
    expect(() => parseOutputFormat('JSON')).toThrow('--output must be one of table, json; got "JSON"');
    expect(() => parseOutputFormat('josn')).toThrow('--output must be one of table, json; got "josn"; did you mean "json"?');
  });

  it('scrubs secrets out of every string of a document, keys too, and leaves numbers alone so the JSON stays valid', () => {
    const redactor = new Redactor(['hunter22', '4242']);
    const doc = { name: 'sales hunter22', values: [4242, 'id 4242'], nested: { hunter22: true, n: null } };
    const scrubbed = scrubDeep(doc, redactor);
    expect(scrubbed).toEqual({ name: 'sales [redacted]', values: [4242, 'id [redacted]'], nested: { '[redacted]': true, n: null } });
    expect(JSON.parse(JSON.stringify(scrubbed))).toEqual(scrubbed);
    // The text route would have broken the number into unquoted [redacted].
    expect(() => JSON.parse(redactor.scrub(JSON.stringify(doc)))).toThrow();
  });
});
