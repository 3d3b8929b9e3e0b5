import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slotEvents } from '../../shared/report/cron-report.js';
import { EventBridgePublisher } from '../../shared/report/publisher.js';
import { failedSlot, startedSlot } from '../support/outcomes.js';

/**
 * What PutEvents receives, on the wire: the real EventBridge client against a loopback endpoint
 * that records each request body and answers as EventBridge does (refusing entries on demand).
 */

interface Entry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
  Resources?: string[];
}

const requests: Array<{ target: string | undefined; entries: Entry[] }> = [];
let refuse = false;
let server: Server;
let client: EventBridgeClient;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const { Entries } = JSON.parse(body) as { Entries: Entry[] };
      requests.push({ target: request.headers['x-amz-target'] as string | undefined, entries: Entries });
      const answer = refuse
        ? { FailedEntryCount: 1, Entries: Entries.map((_, i) => (i === 0 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: `e-${i}` })) }
        : { FailedEntryCount: 0, Entries: Entries.map((_, i) => ({ EventId: `e-${i}` })) };
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new EventBridgeClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  requests.length = 0;
  refuse = false;
});

describe('EventBridgePublisher', () => {
  it('sends each event with our source, its detail type, its detail as JSON and its resources', async () => {
    const events = slotEvents(failedSlot());
    await new EventBridgePublisher(client, 'results').publish(events);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.target).toBe('AWSEvents.PutEvents');
    expect(requests[0]!.entries).toStrictEqual(
      events.map((event) => ({ EventBusName: 'results', Source: 'ecs-schedulers', DetailType: event.detailType, Detail: JSON.stringify(event.detail), Resources: event.resources })),
    );
    expect(requests[0]!.entries.map((e) => e.DetailType)).toStrictEqual(['Cron Run Started', 'Cron Slot Failed']);
  });

  it('sends at most 10 entries per call, in order', async () => {
    const events = Array.from({ length: 23 }, () => slotEvents(startedSlot())).flat();
    await new EventBridgePublisher(client, 'results').publish(events);
    expect(requests.map((r) => r.entries.length)).toEqual([10, 10, 3]);
  });

  it('throws when EventBridge refuses an entry, naming its error', async () => {
    refuse = true;
    await expect(new EventBridgePublisher(client, 'results').publish(slotEvents(startedSlot()))).rejects.toThrow(
      'EventBridge refused 1 result event(s): InternalFailure: try again',
    );
  });
});
