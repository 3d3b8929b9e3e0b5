import { parseArgs } from 'node:util';
import { CASES, runCrashSuite } from './crash/harness.js';
import { round } from './stats.js';

/**
 * The crash suite at full size (bench/crash/harness.ts): N SIGKILLs of handler processes at
 * random kill points of their apply, spread over a daemon rule, cron rules of 1 and 20 copies and
 * a cron Replace, each message then delivered again at the deployed timing; plus runs of two
 * invocations of one message at once. Prints per case: kills, duplicates, lost slots, slots
 * above count, uncovered instances and wrong failure reports; all but kills should be 0.
 */
export async function crashBench(argv: string[]): Promise<object> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kills: { type: 'string', default: '200' },
      'two-at-once': { type: 'string' },
      'lost-answers': { type: 'string', default: '0.1' },
      seed: { type: 'string', default: '1' },
      parallel: { type: 'string', default: '2' },
    },
  });
  const kills = Number(values.kills);
  const started = performance.now();
  const figures = await runCrashSuite({
    kills,
    twoAtOnce: Number(values['two-at-once'] ?? Math.max(1, Math.ceil(kills / 20))),
    lostAnswers: Number(values['lost-answers']),
    instances: 20,
    seed: Number(values.seed),
    parallel: Number(values.parallel),
  });
  for (const name of CASES) console.log(`killed   ${name.padEnd(13)} ${JSON.stringify(figures.killed[name])}`);
  for (const [name, case_] of Object.entries(figures.twoAtOnce)) console.log(`2 at once ${name.padEnd(12)} ${JSON.stringify(case_)}`);
  console.log(`kills landed at ${JSON.stringify(figures.killedAt)}`);
  return { bench: 'crash', kills, seconds: round((performance.now() - started) / 1000, 1), ...figures };
}
