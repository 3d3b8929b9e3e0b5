import type { CliError } from './errors.js';

/** The streams a command writes to; the process's own in production. */
export interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

/**
 * Where a command's words go. Results go to stdout (one JSON document with --json, text
 * otherwise); everything else (progress, prompts, notices, errors) goes to stderr, so a script
 * can pipe stdout and still see what went wrong.
 */
export class Output {
  constructor(
    readonly json: boolean,
    readonly debug: boolean,
    readonly streams: Streams = { stdout: process.stdout, stderr: process.stderr },
  ) {}

  /** A line of the text result (ignored with --json, whose result is the JSON document). */
  line(text = ''): void {
    if (!this.json) this.streams.stdout.write(`${text}\n`);
  }

  /** The JSON result: one document, pretty-printed, on stdout. */
  result(value: unknown): void {
    if (this.json) this.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A notice for a person (waits, progress notes); silent with --json. */
  notice(text: string): void {
    if (!this.json) this.streams.stderr.write(`${text}\n`);
  }

  /** One error: a line and a hint, or one JSON line with --json. The stack only with --debug. */
  error(command: string, error: CliError): void {
    const { stderr } = this.streams;
    if (this.json) {
      stderr.write(`${JSON.stringify({ error: { code: error.code, message: error.message, ...(error.hint && { hint: error.hint }) } })}\n`);
    } else {
      stderr.write(`ecs-sched${command ? ` ${command}` : ''}: error: ${error.message}\n`);
      if (error.hint) stderr.write(`  hint: ${error.hint}\n`);
    }
    if (this.debug) {
      for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) stderr.write(`\n${cause.stack ?? cause.message}\n`);
    }
  }

  /** Diagnostics with --debug only, on stderr. */
  trace(text: string): void {
    if (this.debug) this.streams.stderr.write(`${text}\n`);
  }
}
