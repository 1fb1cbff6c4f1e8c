import { describe, expect, it } from 'vitest';
import { formatOfContentType, parseEventsBody, rejectionsOf, eventsOf } from '../../../../src/pipeline/collector/body.js';
import { validEvent } from './fixtures.js';

function jsonErrorOf(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
}

const MISSING_USER = 'userId: Invalid input: expected string, received undefined';

function withoutUserId(seq: number): object {
  const { userId: _dropped, ...rest } = validEvent(seq);
  return rest;
}

describe('formatOfContentType', () => {
  it('maps the two media types, ignoring case and parameters', () => {
    expect(formatOfContentType('application/json')).toBe('json-array');
    expect(formatOfContentType('Application/JSON; charset=utf-8')).toBe('json-array');
    expect(formatOfContentType('application/x-ndjson')).toBe('ndjson');
  });

  it('refuses anything else', () => {
    expect(formatOfContentType(undefined)).toBeUndefined();
    expect(formatOfContentType('text/plain')).toBeUndefined();
    expect(formatOfContentType('application/jsonl')).toBeUndefined();
  });
});

describe('parseEventsBody: JSON array', () => {
  it('returns every event with its array index', () => {
    const parsed = parseEventsBody(JSON.stringify([validEvent(0), validEvent(1)]), 'json-array');
    expect(parsed).toEqual({
      ok: true,
      slots: [
        { index: 0, ok: true, event: validEvent(0) },
        { index: 1, ok: true, event: validEvent(1) },
      ],
    });
  });

  it('gives the schema reason for each bad element, by index', () => {
    const parsed = parseEventsBody(JSON.stringify([validEvent(0), withoutUserId(1), 42]), 'json-array');
    if (!parsed.ok) throw new Error('expected slots');
    expect(rejectionsOf(parsed.slots)).toEqual([
      { index: 1, reason: MISSING_USER },
      { index: 2, reason: '(root): Invalid input: expected object, received number' },
    ]);
    expect(eventsOf(parsed.slots)).toEqual([validEvent(0)]);
  });

  it('refuses a body that is not JSON, not an array, or empty', () => {
    expect(parseEventsBody('[{', 'json-array')).toEqual({ ok: false, reason: `body is not JSON: ${jsonErrorOf('[{')}` });
    expect(parseEventsBody(JSON.stringify(validEvent(0)), 'json-array')).toEqual({
      ok: false,
      reason: 'body must be a JSON array of events, got object (wrap one event as [event], or send application/x-ndjson)',
    });
    expect(parseEventsBody('[]', 'json-array')).toEqual({ ok: false, reason: 'body contains no events' });
  });
});

describe('parseEventsBody: NDJSON', () => {
  it('parses one event per line, CRLF included', () => {
    const text = `${JSON.stringify(validEvent(0))}\r\n${JSON.stringify(validEvent(1))}\n`;
    const parsed = parseEventsBody(text, 'ndjson');
    expect(parsed).toEqual({
      ok: true,
      slots: [
        { index: 0, line: 1, ok: true, event: validEvent(0) },
        { index: 1, line: 2, ok: true, event: validEvent(1) },
      ],
    });
  });

  it('skips blank lines: index counts events, line counts physical lines', () => {
    const text = `\n${JSON.stringify(validEvent(0))}\n   \n\n${JSON.stringify(withoutUserId(1))}\n`;
    const parsed = parseEventsBody(text, 'ndjson');
    if (!parsed.ok) throw new Error('expected slots');
    expect(parsed.slots.map((s) => [s.index, s.line, s.ok])).toEqual([
      [0, 2, true],
      [1, 5, false],
    ]);
    expect(rejectionsOf(parsed.slots)).toEqual([{ index: 1, line: 5, reason: MISSING_USER }]);
  });

  it('reports a line that is not JSON with its index and line, and keeps parsing the rest', () => {
    const text = [JSON.stringify(validEvent(0)), '{"seq": 1,', JSON.stringify(validEvent(2))].join('\n');
    const parsed = parseEventsBody(text, 'ndjson');
    if (!parsed.ok) throw new Error('expected slots');
    expect(rejectionsOf(parsed.slots)).toEqual([{ index: 1, line: 2, reason: `not JSON: ${jsonErrorOf('{"seq": 1,')}` }]);
    expect(parsed.slots).toHaveLength(3);
  });

  it('refuses a body with only blank lines', () => {
    expect(parseEventsBody('\n \r\n\n', 'ndjson')).toEqual({ ok: false, reason: 'body contains no events' });
  });
});
