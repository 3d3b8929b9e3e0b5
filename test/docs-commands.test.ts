import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalLedger, type LocalLedger } from '../local/ledger.js';
import { cleanEnv, REPO } from './cli/helpers.js';

/**
 * Every `npx ecs-sched` command in README.md, cli/README.md and emulator/README.md, run in a shell
 * exactly as written, against `npx ecs-sched emulator` started as the docs start it. The one
 * substitution is the emulator's port for the docs' `PORT`. The environment the docs name is
 * provided: $RUN_LEDGER_TABLE on a local DynamoDB-protocol server, $QUEUE_URL on a stand-in for
 * SQS, and the `export AWS_ENDPOINT_URL_ECS=...` line the emulator prints.
 */
const DOCS = ['README.md', 'cli/README.md', 'emulator/README.md'];

function documentedCommands(): string[] {
  const commands = new Set<string>();
  for (const doc of DOCS) {
    const text = readFileSync(join(REPO, doc), 'utf8');
    for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
      for (const line of block[1]!.split('\n')) {
        const command = line.replace(/\s+#.*$/, '').trim();
        if (command.startsWith('npx ecs-sched ')) commands.add(command);
      }
    }
  }
  return [...commands];
}

const commands = documentedCommands();
const emulatorCommand = commands.find((command) => command.startsWith('npx ecs-sched emulator'))!;
const others = commands.filter((command) => command !== emulatorCommand);

/** What each command must do here; anything unlisted must exit 0. */
const EXPECTED: Array<{ matches: RegExp; code: number; output: RegExp }> = [
  // Without --yes, run asks first, and a test's stdin is no terminal: it refuses and changes nothing.
  { matches: /^npx ecs-sched run /, code: 2, output: /stdin is not a terminal; nothing was changed/ },
];

let emulator: ChildProcess;
let exportLine: string;
let port: string;
let ledger: LocalLedger;
let sqs: Server;
let env: NodeJS.ProcessEnv;

function shell(command: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-c', `${exportLine}\n${command}`], { cwd: REPO, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
    child.stdin.end();
  });
}

beforeAll(async () => {
  ledger = await startLocalLedger();
  // A stand-in for SQS's JSON protocol: `run --queue` sends one message.
  sqs = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const body = JSON.parse(text) as { MessageBody?: string };
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: createHash('md5').update(String(body.MessageBody)).digest('hex') }));
    });
  });
  await new Promise<void>((resolve) => sqs.listen(0, '127.0.0.1', resolve));
  const sqsEndpoint = `http://127.0.0.1:${(sqs.address() as AddressInfo).port}`;
  env = cleanEnv({
    RUN_LEDGER_TABLE: ledger.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: ledger.endpoint,
    QUEUE_URL: `${sqsEndpoint}/123456789012/nightly-report.fifo`,
    AWS_ENDPOINT_URL_SQS: sqsEndpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });

  // Its own process group, so that afterAll stops npx and the CLI under it together.
  emulator = spawn('bash', ['-c', emulatorCommand], { cwd: REPO, env, stdio: ['pipe', 'pipe', 'ignore'], detached: true });
  emulator.stdin!.end(); // a closed stdin must not stop it
  let printed = '';
  exportLine = await new Promise<string>((resolve, reject) => {
    emulator.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const line = /^export AWS_ENDPOINT_URL_ECS=http:\/\/127\.0\.0\.1:(\d+)$/m.exec(printed);
      if (line) resolve(line[0]);
    });
    emulator.on('exit', (code) => reject(new Error(`the emulator exited (${code}) before printing its endpoint: ${printed}`)));
  });
  expect(printed.split('\n')[0]).toMatch(/^ECS emulator at http:\/\/127\.0\.0\.1:\d+ /);
  port = /:(\d+)$/.exec(exportLine)![1]!;
}, 60_000);

afterAll(async () => {
  if (emulator?.pid) process.kill(-emulator.pid, 'SIGTERM');
  sqs?.close();
  await ledger?.close();
  rmSync(join(REPO, 'prod.sqlite'), { force: true });
});

describe('the documented commands, run as written', () => {
  it('finds the emulator and the other commands in the docs', () => {
    expect(emulatorCommand).toBe('npx ecs-sched emulator --instances 50');
    expect(others.length).toBeGreaterThan(10);
  });

  it.each(others)('%s', async (command) => {
    const { code, output } = await shell(command.replaceAll('PORT', port));
    const expected = EXPECTED.find((entry) => entry.matches.test(command));
    expect({ code, output }).toMatchObject({ code: expected?.code ?? 0, output: expected ? expect.stringMatching(expected.output) : expect.any(String) });
  }, 60_000);
});
