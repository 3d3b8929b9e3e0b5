import { describe, expect, it } from 'vitest';
import { CASES, runCrashSuite, type CaseFigures } from '../../bench/crash/harness.js';

/**
 * The crash suite at a representative size (its full size is `npm run bench -- crash`): handler
 * processes SIGKILLed at random moments of their apply, with a share of StartTask and RunTask answers lost,
 * each message then delivered again at the deployed timing; and two invocations of one message at
 * once. Nothing may be doubled, lost, left above its count or uncovered, or wrongly reported.
 */
describe('crash suite', () => {
  it('kills, lost answers and two invocations at once: no duplicate, no lost slot, no copy above count, no uncovered instance, no wrong report', async () => {
    const kills = 15;
    const figures = await runCrashSuite({ kills, twoAtOnce: 1, lostAnswers: 0.1, instances: 20, seed: 16, parallel: 2 });
    const clean = (runs: number, killed: number): CaseFigures => ({
      runs,
      kills: killed,
      duplicates: 0,
      lostSlots: 0,
      slotsAboveCount: 0,
      uncoveredInstances: 0,
      wrongFailureReports: 0,
    });
    for (const name of CASES) expect({ name, ...figures.killed[name] }).toEqual({ name, ...clean(kills / CASES.length, kills / CASES.length) });
    for (const [name, case_] of Object.entries(figures.twoAtOnce)) expect({ name, ...case_ }).toEqual({ name, ...clean(1, 0) });
  }, 240_000);
});
