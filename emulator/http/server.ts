import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EcsError } from '../errors.js';

/** ECS's JSON 1.1 target prefix: `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>`. */
const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

export type Handler = (operation: string, input: Record<string, unknown>) => Promise<object>;

export interface HttpEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the AWS JSON 1.1 protocol on 127.0.0.1, on a free port. */
export async function serveJson(handle: Handler): Promise<HttpEndpoint> {
  const server = createServer((request, response) => {
    answer(request, response, handle).catch((error: unknown) => {
      // Only a broken socket gets here; there is no one left to tell.
      response.destroy(error instanceof Error ? error : undefined);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    // Idempotent, so a test may close early and still leave cleanup to its afterAll.
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; without this, close() would wait for them to idle out.
        server.closeAllConnections();
      })),
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, handle: Handler): Promise<void> {
  const target = request.headers['x-amz-target'];
  const operation = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  const body = await readBody(request);
  try {
    const input = parseInput(body);
    send(response, 200, await handle(operation, input));
  } catch (error) {
    const failure =
      error instanceof EcsError
        ? error
        : new EcsError('ServerException', `Unexpected error in the ECS emulator: ${error instanceof Error ? error.stack : String(error)}`, 500);
    send(response, failure.status, { __type: failure.type, message: failure.message });
  }
}

function parseInput(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new EcsError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EcsError('SerializationException', 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: object): void {
  const json = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(json),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(json);
}
