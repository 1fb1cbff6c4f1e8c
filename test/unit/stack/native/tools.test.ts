import { describe, expect, it } from 'vitest';
import { assertTools, goVersion, javaMajorVersion } from '../../../../src/stack/native/tools.js';

describe('javaMajorVersion', () => {
  it('reads modern and legacy version strings', () => {
    expect(javaMajorVersion('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(javaMajorVersion('java version "1.8.0_382"')).toBe(8);
    expect(javaMajorVersion('openjdk version "21" 2023-09-19')).toBe(21);
    expect(javaMajorVersion('garbage')).toBeNull();
  });
});

describe('assertTools', () => {
  it('names every missing tool and how to install it, in one error', () => {
    expect(() =>
      assertTools([
        { tool: 'java', ok: false, detail: 'java not found on PATH', hint: 'apt-get install openjdk-17-jre-headless' },
        { tool: 'mvn', ok: true, detail: 'found', hint: '' },
        { tool: 'prometheus', ok: false, detail: 'not found', hint: 'apt-get install prometheus' },
      ]),
    ).toThrow(expect.objectContaining({ code: 'SP_TOOL_MISSING', message: expect.stringContaining('java (java not found on PATH); prometheus'), hint: expect.stringContaining('apt-get install prometheus') }));
  });
});

describe('goVersion', () => {
  it('reads go version output', () => {
    expect(goVersion('go version go1.26.8 linux/amd64')).toEqual([1, 26]);
    expect(goVersion('go version go1.19.8 linux/amd64')).toEqual([1, 19]);
    expect(goVersion('bash: go: command not found')).toBeNull();
  });
});
