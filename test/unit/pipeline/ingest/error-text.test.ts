import { describe, expect, it } from 'vitest';
import { describeError } from '../../../../src/pipeline/ingest/error-text.js';

describe('describeError', () => {
  it('follows aggregate errors and causes to the root, naming codes, each message once', () => {
    const protocol = Object.assign(new Error('The broker received an out of order sequence number.'), { code: 'PLT_KFK_PROTOCOL' });
    const response = new Error('Received response with error', { cause: protocol });
    const aggregate = Object.assign(new AggregateError([response, response], 'Producing messages failed.'), { code: 'PLT_KFK_MULTIPLE' });
    expect(describeError(aggregate)).toBe(
      'Producing messages failed. [PLT_KFK_MULTIPLE] ← Received response with error ← The broker received an out of order sequence number. [PLT_KFK_PROTOCOL]',
    );
  });

  it('renders non-errors as text and caps the length', () => {
    expect(describeError('nope')).toBe('nope');
    expect(describeError(new Error('x'.repeat(1_000)))).toHaveLength(300);
  });
});
