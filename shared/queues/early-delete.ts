import { DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** What an SQS record of a Lambda event carries that deleting it needs. */
export interface DeletableRecord {
  messageId: string;
  receiptHandle: string;
  /** The queue's ARN, arn:<partition>:sqs:<region>:<account>:<name>. */
  eventSourceARN: string;
}

/**
 * Deletes messages of one invocation's batch before it returns (DeleteMessageBatch, with each
 * record's receipt handle, at most 10 to a call as SQS allows); rejects naming the messages SQS
 * did not delete. Lambda deletes them again when the batch is answered, which is harmless: a
 * delete with a receipt handle of a message already gone succeeds.
 */
export function sqsEarlyDelete(sqs: SQSClient, records: readonly DeletableRecord[]): (messageIds: readonly string[]) => Promise<void> {
  const byId = new Map(records.map((record) => [record.messageId, record]));
  return async (messageIds) => {
    const queues = new Map<string, DeletableRecord[]>();
    for (const id of messageIds) {
      const record = byId.get(id);
      if (record) queues.set(record.eventSourceARN, [...(queues.get(record.eventSourceARN) ?? []), record]);
    }
    const failed: string[] = [];
    for (const [queueArn, queued] of queues) {
      for (let at = 0; at < queued.length; at += 10) {
        const entries = queued.slice(at, at + 10).map((record) => ({ Id: entryId(record.messageId), ReceiptHandle: record.receiptHandle }));
        const answer = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrlOf(queueArn), Entries: entries }));
        for (const failure of answer.Failed ?? []) failed.push(`${failure.Id ?? '?'} (${failure.Code ?? ''}: ${failure.Message ?? ''})`);
      }
    }
    if (failed.length > 0) throw new Error(`SQS did not delete ${failed.join(', ')}`);
  };
}

/** A batch entry's Id allows letters, digits, - and _ only; a message id is a UUID. */
function entryId(messageId: string): string {
  return messageId.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** The queue's URL from its ARN, as SQS forms it: https://sqs.<region>.<domain>/<account>/<name>. */
export function queueUrlOf(queueArn: string): string {
  const [, partition, service, region, account, name] = queueArn.split(':');
  if (service !== 'sqs' || !region || !account || !name) throw new Error(`Not an SQS queue ARN: ${queueArn}`);
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}
