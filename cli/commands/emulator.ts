import { validateConfig } from '../../shared/config/index.js';
import { startEmulator } from '../../emulator/index.js';
import { parseLocalHints, seedForConfig } from '../../local/config-cluster.js';
import { onlyOptions, type ParsedArgs } from '../args.js';
import { DEFAULT_CONFIG, InvalidConfigError, readConfigFile } from '../config.js';
import { EXIT_OK, UsageError, type ExitCode } from '../errors.js';
import type { Output } from '../output.js';

const DEFAULT_INSTANCES = 20;
const MAX_INSTANCES = 10_000;

/**
 * `ecs-sched emulator`: an ECS emulator on 127.0.0.1 seeded for the config (its task definitions,
 * instances its constraints match, as `npm start` seeds them), for trying `plan`, `run` and
 * `status` by hand. It serves until Ctrl-C or SIGTERM and never reads stdin, so `&` in a script
 * or a closed stdin does not stop it. The endpoint is the first thing it prints.
 */
export async function emulator(args: ParsedArgs, out: Output): Promise<ExitCode> {
  onlyOptions('emulator', args.given, ['config', 'cluster', 'instances']);
  if (args.positionals.length > 0) throw new UsageError(`emulator takes no arguments, found "${args.positionals[0]}"`);
  const instances = Number(args.flags.instances ?? DEFAULT_INSTANCES);
  if (!Number.isInteger(instances) || instances < 0 || instances > MAX_INSTANCES) throw new UsageError(`--instances must be a whole number from 0 to ${MAX_INSTANCES}, found "${args.flags.instances}"`);
  const file = args.flags.config ?? DEFAULT_CONFIG;
  const { input, local } = await readConfigFile(file);
  const validated = validateConfig(input);
  if (!validated.ok) throw new InvalidConfigError(file, validated.errors);
  const config = validated.config;
  const hints = (() => {
    try {
      return parseLocalHints(local);
    } catch (error) {
      throw new UsageError(`${file}: ${(error as Error).message}`);
    }
  })();

  const ecs = await startEmulator({ randomSeed: 1 });
  const clusters = args.flags.cluster !== undefined ? [args.flags.cluster] : Object.keys(config.clusters);
  const { notes } = seedForConfig(ecs, { config, hints, clusters, instances });
  if (out.json) {
    out.streams.stdout.write(`${JSON.stringify({ endpoint: ecs.endpoint, region: ecs.region, clusters, instances, notes })}\n`);
  } else {
    out.line(`ECS emulator at ${ecs.endpoint} (Region ${ecs.region}): ${clusters.map((name) => `cluster ${name}`).join(', ')} with ${instances} instances${clusters.length > 1 ? ' each' : ''}, seeded for ${file}`);
    out.line(`export AWS_ENDPOINT_URL_ECS=${ecs.endpoint}`);
    for (const note of notes) out.line(`  ${note}`);
    out.line('serving until Ctrl-C or SIGTERM');
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await ecs.close();
  return EXIT_OK;
}
