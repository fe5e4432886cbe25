import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from '../../../src/server/dashboard/html.ts';

describe('html templates', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const name = '<script>alert("x")</script>';
    const title = `" onmouseover='steal()'`;
    const out = html`<h3 title="${title}">${name}</h3>`.value;
    expect(out).toBe('<h3 title="&quot; onmouseover=&#39;steal()&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</h3>');
  });

  it('keeps nested templates and arrays of them as markup, and drops empty values', () => {
    const items = ['a&b', '<i>'].map((t) => html`<li>${t}</li>`);
    expect(html`<ul>${items}</ul>${undefined}${null}${false}${0}`.value).toBe('<ul><li>a&amp;b</li><li>&lt;i&gt;</li></ul>0');
  });

  it('passes raw() through untouched and escapes plain strings that look like markup', () => {
    expect(html`${raw('<b>x</b>')}${'<b>x</b>'}`.value).toBe('<b>x</b>&lt;b&gt;x&lt;/b&gt;');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
