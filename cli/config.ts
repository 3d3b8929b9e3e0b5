import { access, readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { clusterTarget } from '../shared/config/cluster-target.js';
import { validateConfig, type ConfigError, type SchedulerConfig } from '../shared/config/index.js';
import type { CronRule } from '../shared/rules/cron/rule.js';
import type { DaemonRule } from '../shared/rules/daemon/rule.js';
import { CliError, EXIT_USAGE, UsageError } from './errors.js';

export const DEFAULT_CONFIG = 'scheduler.config.ts';

/** A config file that does not pass validation; the command prints every error, then exits 2. */
export class InvalidConfigError extends CliError {
  override readonly name = 'InvalidConfigError';
  constructor(
    readonly file: string,
    readonly errors: readonly ConfigError[],
  ) {
    super(`${file}: ${errors.length === 1 ? '1 error' : `${errors.length} errors`}`, EXIT_USAGE, 'InvalidConfig');
  }
}

/**
 * Reads a config file as the app does: a TypeScript or JavaScript module is imported (its
 * default export is the config; a .ts file is compiled on import, see importModule), a .json file
 * is parsed. The result is what validation makes of it, with every error.
 */
export async function readConfigFile(file: string): Promise<{ file: string; input: unknown; local?: unknown }> {
  const path = resolve(file);
  try {
    await access(path);
  } catch {
    throw new UsageError(`config file ${file} not found`, file === DEFAULT_CONFIG ? 'run from the project folder, or pass --config FILE' : undefined);
  }
  if (extname(path) === '.json') {
    const text = await readFile(path, 'utf8');
    try {
      return { file, input: JSON.parse(text) as unknown };
    } catch (error) {
      throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`, EXIT_USAGE, 'InvalidConfig');
    }
  }
  let module: { default?: unknown; local?: unknown };
  try {
    module = (await importModule(path)) as { default?: unknown; local?: unknown };
  } catch (error) {
    // One line: a transform error's details (file:line:column: ERROR ...) follow its first line.
    const message = (error as Error).message.split('\n').map((line) => line.trim()).filter(Boolean).slice(0, 3).join(' ');
    throw new CliError(`could not load ${file}: ${message}`, EXIT_USAGE, 'InvalidConfig', 'fix the file so it imports cleanly (run with --debug for the stack)', {
      cause: error,
    });
  }
  if (module.default === undefined) {
    throw new CliError(`${file} has no default export`, EXIT_USAGE, 'InvalidConfig', 'end it with `export default defineConfig({ ... })`');
  }
  // `local` is local mode's optional hint (task definition sizes): see local/config-cluster.ts.
  return { file, input: module.default, local: module.local };
}

/**
 * A TypeScript config goes through tsx's tsImport, which compiles it for this one import, so the
 * installed CLI needs no loader of its own; JavaScript is imported as is. In a CommonJS project
 * (no "type": "module", as `cdk init` makes them) a file written with `export default` compiles to
 * CommonJS: its exports object, marked __esModule, arrives as the namespace's default, so it is
 * unwrapped to give the file's own exports.
 */
async function importModule(path: string): Promise<unknown> {
  const url = pathToFileURL(path).href;
  const typescript = /\.[cm]?ts$/.test(path);
  // tsx is loaded only for a TypeScript config: a JavaScript one needs no compiler.
  const namespace = (await (typescript ? (await import('tsx/esm/api')).tsImport(url, import.meta.url) : import(url))) as { default?: { __esModule?: boolean } };
  return namespace.default?.__esModule === true ? namespace.default : namespace;
}

/** The validated config, or InvalidConfigError listing every problem. */
export async function loadConfigFile(file: string): Promise<SchedulerConfig> {
  const { input } = await readConfigFile(file);
  const result = validateConfig(input);
  if (!result.ok) throw new InvalidConfigError(file, result.errors);
  return result.config;
}

/** The cluster to send to ECS for a rule: see clusterTarget. */
function clusterOf(config: SchedulerConfig, rule: { cluster: string }): string {
  return clusterTarget(config, rule.cluster).reference;
}

export type ConfiguredRule = { kind: 'daemon'; rule: DaemonRule } | { kind: 'cron'; rule: CronRule };

/** Every rule of the config, daemons first, each with its cluster resolved for ECS. */
export function rulesOf(config: SchedulerConfig): ConfiguredRule[] {
  return [
    ...(config.daemons ?? []).map((rule) => ({ kind: 'daemon' as const, rule: { ...rule, cluster: clusterOf(config, rule) } })),
    ...(config.crons ?? []).map((rule) => ({ kind: 'cron' as const, rule: { ...rule, cluster: clusterOf(config, rule) } })),
  ];
}

/**
 * One rule by name. Names are unique within daemons and within crons, but a daemon and a cron
 * may share one: then `daemon/NAME` or `cron/NAME` (the rule's startedBy prefix) picks.
 */
export function findRule(config: SchedulerConfig, reference: string): ConfiguredRule {
  const qualified = /^(daemon|cron)\/(.+)$/.exec(reference);
  const name = qualified ? qualified[2]! : reference;
  const matches = rulesOf(config).filter((entry) => entry.rule.name === name && (!qualified || entry.kind === qualified[1]));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new UsageError(`both a daemon rule and a cron rule are named "${name}"`, `say daemon/${name} or cron/${name}`);
  const known = rulesOf(config).map((entry) => `${entry.kind}/${entry.rule.name}`);
  throw new UsageError(`no rule named "${reference}" in the config`, known.length > 0 ? `rules: ${known.join(', ')}` : 'the config has no rules');
}
