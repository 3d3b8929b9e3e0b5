import type { ECSClient } from '@aws-sdk/client-ecs';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { CronRule } from '../shared/rules/cron/rule.js';
import { runNowSlot } from '../shared/rules/cron/run-now.js';

export interface QueuedRunNow {
  messageId: string;
  requestedAt: string;
}

/**
 * A run-now as the deployed stack expects it (shared/handlers/cron/README.md): on the FIFO queue
 * of the rule's cluster runner (the rule's queue output), in the rule's message group, so the
 * runner handles it in order with the rule's scheduled slots and never alongside one. `requestedAt` names the slot, to the second; a
 * retried send of the same request is the same run. The SQS client uses the same Region as ECS
 * and the standard credential chain (AWS_ENDPOINT_URL_SQS points it elsewhere).
 */
export async function queueRunNow(queueUrl: string, rule: CronRule, ecs: ECSClient): Promise<QueuedRunNow> {
  const requestedAt = runNowSlot(new Date()).toISOString();
  const sqs = new SQSClient({ region: await ecs.config.region(), credentials: ecs.config.credentials });
  try {
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageGroupId: rule.name,
        MessageBody: JSON.stringify({ kind: 'run-now', rule: rule.name, requestedAt }),
      }),
    );
    return { messageId: sent.MessageId ?? '', requestedAt };
  } finally {
    sqs.destroy();
  }
}
