import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/app/logger.ts';
import { Redactor } from '../../../src/app/redactor.ts';

const CANARY = 'canary-Secret-9f8e7d"\\x';

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (chunk: string) => lines.push(chunk) } };
}

describe('log redaction', () => {
  it('scrubs a known secret wherever it appears in a line, including JSON-escaped and URL-encoded forms', () => {
    const redactor = new Redactor([CANARY]);
    const sink = capture();
    const logger = createLogger({ redactor, pretty: false, destination: sink.destination });
    logger.info({ url: `https://example.test/?token=${encodeURIComponent(CANARY)}` }, `message with ${CANARY}`);
    logger.error({ err: new Error(`vendor echoed ${CANARY}`) }, 'failed');
    const out = sink.lines.join('');
    expect(out).not.toContain('canary-Secret');
    expect(out).toContain('[redacted]');
    expect(sink.lines).toHaveLength(2);
  });

  it('redacts credential fields by name even when the value is not a known secret', () => {
    const sink = capture();
    const logger = createLogger({ redactor: new Redactor(), pretty: false, destination: sink.destination });
    logger.info({ request: { headers: { authorization: 'Bearer unknown-token-value' } }, password: 'hunter2-long' }, 'call');
    const out = sink.lines.join('');
    expect(out).not.toContain('unknown-token-value');
    expect(out).not.toContain('hunter2-long');
  });

  it('scrubs pretty output too', () => {
    const sink = capture();
    const logger = createLogger({ redactor: new Redactor([CANARY]), pretty: true, destination: sink.destination });
    logger.warn(`about ${CANARY}`);
    const out = sink.lines.join('');
    expect(out).toContain('about [redacted]');
    expect(out).not.toContain('canary-Secret');
  });

  it('setSecrets replaces the list, longest secret first', () => {
    const redactor = new Redactor(['abcd']);
    redactor.setSecrets(['abcdefgh', 'abcd']);
    expect(redactor.scrub('x abcdefgh y abcd')).toBe('x [redacted] y [redacted]');
  });
});
