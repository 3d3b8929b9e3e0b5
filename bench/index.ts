/**
 * `npm run --silent bench -- <name> [flags]`: runs one benchmark and prints its figures, the
 * last line being one JSON object for scripts to read.
 */
import { brownoutBench } from './brownout.js';
import { crashBench } from './crash.js';
import { cronBench } from './cron.js';
import { coldstartBench } from './coldstart.js';
import { daemonBench } from './daemon.js';
import { placementBench } from './placement.js';
import { snapshotBench } from './snapshot.js';

const benches: Record<string, (args: string[]) => Promise<object>> = {
  brownout: brownoutBench,
  crash: crashBench,
  cron: cronBench,
  coldstart: coldstartBench,
  daemon: daemonBench,
  placement: placementBench,
  snapshot: snapshotBench,
};

const [name, ...args] = process.argv.slice(2);
const bench = name ? benches[name] : undefined;
if (!bench) {
  console.error(`Usage: npm run --silent bench -- <${Object.keys(benches).join('|')}> [flags]`);
  process.exit(2);
}
const figures = await bench(args);
console.log(JSON.stringify(figures));
