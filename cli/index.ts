#!/usr/bin/env node
/**
 * ecs-sched: the schedulers' command line. `npx ecs-sched` starts cli/ecs-sched.js, which loads
 * this file through tsx; `npx tsx cli/index.ts` works too. One file per command in commands/;
 * this file only dispatches and turns every error into one line, a hint and an exit code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { HELP, parseCommandLine, type ParsedArgs } from './args.js';
import { emulator } from './commands/emulator.js';
import { history } from './commands/history.js';
import { plan } from './commands/plan.js';
import { query } from './commands/query.js';
import { run } from './commands/run.js';
import { snapshot } from './commands/snapshot.js';
import { status } from './commands/status.js';
import { printErrors, validate } from './commands/validate.js';
import { InvalidConfigError } from './config.js';
import { EXIT_OK, EXIT_USAGE, UsageError, explain, type ExitCode } from './errors.js';
import { Output } from './output.js';

type Command = (args: ParsedArgs, out: Output) => Promise<ExitCode>;

const COMMANDS: Record<string, Command> = {
  validate,
  plan,
  snapshot,
  query,
  run: (args, out) => run(args, out, { stdin: process.stdin, stderr: process.stderr }),
  status,
  history,
  emulator,
};

export async function main(argv: readonly string[]): Promise<ExitCode> {
  // Until the command line parses, --json and --debug are taken at their word.
  let output = new Output(argv.includes('--json'), argv.includes('--debug'));
  let command = '';
  try {
    const args = parseCommandLine(argv);
    output = new Output(args.flags.json === true, args.flags.debug === true);
    command = args.command ?? '';
    if (args.flags.version && !args.command) {
      output.streams.stdout.write(`${version()}\n`);
      return EXIT_OK;
    }
    if (!args.command) {
      (args.flags.help ? output.streams.stdout : output.streams.stderr).write(`${HELP.main}\n`);
      return args.flags.help ? EXIT_OK : EXIT_USAGE;
    }
    const handler = Object.hasOwn(COMMANDS, args.command) ? COMMANDS[args.command] : undefined;
    if (!handler) throw new UsageError(`unknown command "${args.command}"`, `commands: ${Object.keys(COMMANDS).join(', ')}`);
    if (args.flags.help) {
      output.streams.stdout.write(`${HELP[args.command]}\n`);
      return EXIT_OK;
    }
    return await handler(args, output);
  } catch (error) {
    const explained = explain(error);
    output.error(command, explained);
    if (error instanceof InvalidConfigError) printErrors(output, error.file, error.errors, 'stderr');
    return explained.exitCode;
  }
}

/** The package's version: its manifest is one folder up from the sources, two from the built CLI (dist/cli). */
function version(): string {
  const manifest = ['../package.json', '../../package.json'].map((path) => new URL(path, import.meta.url)).find((url) => existsSync(url));
  if (!manifest) return 'unknown';
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? 'unknown';
}

// A reader that goes away (`ecs-sched query ... | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
