import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queueUrlOf, sqsEarlyDelete } from '../../shared/queues/early-delete.js';

/** A stand-in for SQS: it answers DeleteMessageBatch as SQS's JSON protocol does, failing the entries told to, and keeps what it got. */
let received: Array<{ target: string; body: { QueueUrl: string; Entries: Array<{ Id: string; ReceiptHandle: string }> } }> = [];
let failIds = new Set<string>();
let server: Server;
let sqs: SQSClient;
beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const body = JSON.parse(text) as (typeof received)[number]['body'];
      received.push({ target: String(request.headers['x-amz-target']), body });
      const Successful = body.Entries.filter((entry) => !failIds.has(entry.Id)).map((entry) => ({ Id: entry.Id }));
      const Failed = body.Entries.filter((entry) => failIds.has(entry.Id)).map((entry) => ({ Id: entry.Id, Code: 'ReceiptHandleIsInvalid', Message: 'stale', SenderFault: true }));
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ Successful, Failed }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sqs = new SQSClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(() => {
  sqs.destroy();
  server.close();
});
beforeEach(() => {
  received = [];
  failIds = new Set();
});

const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:batch-cron.fifo';
const record = (messageId: string) => ({ messageId, receiptHandle: `receipt-${messageId}`, eventSourceARN: QUEUE });

describe('sqsEarlyDelete', () => {
  it('deletes the messages named, with their receipt handles, on the queue their ARN names', async () => {
    const remove = sqsEarlyDelete(sqs, [record('a'), record('b'), record('c')]);
    await remove(['a', 'c']);

    expect(received).toEqual([
      {
        target: 'AmazonSQS.DeleteMessageBatch',
        body: {
          QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/batch-cron.fifo',
          Entries: [
            { Id: 'a', ReceiptHandle: 'receipt-a' },
            { Id: 'c', ReceiptHandle: 'receipt-c' },
          ],
        },
      },
    ]);
  });

  it('rejects, naming the messages SQS did not delete', async () => {
    failIds = new Set(['b']);
    await expect(sqsEarlyDelete(sqs, [record('a'), record('b')])(['a', 'b'])).rejects.toThrow('SQS did not delete b (ReceiptHandleIsInvalid: stale)');
  });

  it('forms the queue URL of another partition', () => {
    expect(queueUrlOf('arn:aws-cn:sqs:cn-north-1:123456789012:q.fifo')).toBe('https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q.fifo');
    expect(() => queueUrlOf('arn:aws:sns:us-east-1:123456789012:topic')).toThrow('Not an SQS queue ARN');
  });
});
