import { describe, expect, it } from 'vitest';
import { overduePassMinutes } from '../../shared/rules/cron/overdue-pass.js';

describe('overduePassMinutes', () => {
  it.each([
    [30, 1],
    [600, 1],
    [899, 1],
    [900, 2],
    [3600, 6],
    [8999, 15],
    [86_400, 15],
  ])('looks for runs past a limit of %i s every %i minutes (a tenth of the limit, 1 to 15)', (maxRunSeconds, minutes) => {
    expect(overduePassMinutes(maxRunSeconds)).toBe(minutes);
  });
});
