import { describe, expect, it } from 'vitest';
import { endpoints } from '../support.js';

const stack = await endpoints();

describe('Prometheus of the stack', () => {
  it('reports its scrape target up', async () => {
    expect(stack.prometheus?.url).toBeDefined();
    const url = `${stack.prometheus?.url}/api/v1/query?query=${encodeURIComponent('up{job="prometheus"}')}`;
    let value: string | undefined;
    // Scrapes happen every second; the first may not have happened right after start.
    for (let attempt = 0; attempt < 20 && value !== '1'; attempt += 1) {
      const body = (await (await fetch(url)).json()) as { status: string; data: { result: Array<{ value: [number, string] }> } };
      expect(body.status).toBe('success');
      value = body.data.result[0]?.value[1];
      if (value !== '1') await new Promise((r) => setTimeout(r, 500));
    }
    expect(value).toBe('1');
  });
});
