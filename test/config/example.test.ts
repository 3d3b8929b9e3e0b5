import { describe, expect, it } from 'vitest';
import { defineConfig, loadConfig, validateConfig } from '../../shared/config/index.js';
import example from '../../scheduler.config.js';

describe('the example scheduler.config.ts', () => {
  it('validates, and comes back exactly as written: no defaults are filled in', () => {
    const result = validateConfig(example);
    expect(result).toEqual({ ok: true, config: example });
  });

  it('has the rules the default app deploys', () => {
    const config = loadConfig(example);
    expect(config.daemons?.map((rule) => rule.name)).toEqual(['node-exporter']);
    expect(config.crons?.map((rule) => [rule.name, rule.overlapPolicy])).toEqual([
      ['nightly-report', 'Forbid'],
      ['cache-warmer', 'Replace'],
    ]);
  });
});

describe('defineConfig', () => {
  it('returns the object it is given, for typing only', () => {
    const config = { clusters: { prod: {} } };
    expect(defineConfig(config)).toBe(config);
  });
});
