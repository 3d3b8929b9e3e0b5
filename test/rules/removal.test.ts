import { describe, expect, it } from 'vitest';
import type { DaemonRule } from '../../shared/rules/daemon/rule.js';
import { removalBatch, removalDone, type RemovalTerms } from '../../shared/rules/removal.js';

const daemon = (maxUnavailable?: DaemonRule['maxUnavailable']): RemovalTerms => ({
  kind: 'daemon',
  rule: 'exporter',
  cluster: 'prod',
  ...(maxUnavailable !== undefined && { maxUnavailable }),
});
const cron = (stopRuns: boolean): RemovalTerms => ({ kind: 'cron', rule: 'report', cluster: 'prod', family: 'report', stopRuns });

describe('removalBatch: how many copies a check of a removal stops', () => {
  it.each<[string, RemovalTerms, number, number]>([
    ['a daemon, default maxUnavailable: one at a time', daemon(), 12, 1],
    ['a daemon, 25% of the 12 copies left', daemon('25%'), 12, 3],
    ['a daemon, 25% of the 3 copies left rounds up', daemon('25%'), 3, 1],
    ['a daemon, a count larger than what is left', daemon(5), 2, 2],
    ['a daemon with nothing left', daemon('25%'), 0, 0],
    ['cron runs, left to finish', cron(false), 4, 0],
    ['cron runs, stopped when asked: all at once', cron(true), 4, 4],
  ])('%s', (_case, terms, live, expected) => {
    expect(removalBatch(terms, live)).toBe(expected);
  });
});

describe('removalDone', () => {
  it.each<[string, RemovalTerms, number, boolean]>([
    ['a daemon with copies left', daemon(), 3, false],
    ['a daemon with none', daemon(), 0, true],
    ['cron runs left to finish', cron(false), 3, true],
    ['cron runs to stop, some left', cron(true), 1, false],
  ])('%s', (_case, terms, left, expected) => {
    expect(removalDone(terms, left)).toBe(expected);
  });
});
