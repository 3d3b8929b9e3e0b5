import { reportOverdue, reportSlot, type CronOverdueOutcome, type CronSlotOutcome } from '../../report/cron-report.js';
import type { BatchResponse, CronContext, QueueMessage } from './context.js';
import { CronMessageError, parseCronMessage } from './messages.js';
import { stopOverdueRuns } from './overdue.js';
import { RESERVED_MS, runSlot } from './run-slot.js';

export type { BatchResponse, CronContext, QueueMessage } from './context.js';

export type CronMessageOutcome = { kind: 'slot'; outcome: CronSlotOutcome } | { kind: 'overdue'; outcome: CronOverdueOutcome | undefined };

/**
 * Handles one batch from a cron FIFO queue (message group: the rule), one message after another,
 * and answers with SQS's partial batch response. Unlike a daemon's triggers, a cron message is a
 * command: one that cannot be read (not JSON, unknown kind or rule, bad time) or whose handling
 * throws is logged with its message id and what is wrong, and FAILS, so SQS retries it and then
 * moves it to the dead-letter queue; nothing is dropped as a success.
 *
 * FIFO order: once a message fails, it and every later message of the batch are reported failed
 * (unhandled), and the earlier ones succeed. A message is also left unhandled, and reported
 * failed, when the function has too little time left to handle it.
 */
export async function handleCronBatch(messages: readonly QueueMessage[], context: CronContext): Promise<BatchResponse> {
  const failed: string[] = [];
  for (const message of messages) {
    if (failed.length > 0) {
      failed.push(message.messageId);
      continue;
    }
    if (context.remainingTimeMs() < RESERVED_MS) {
      context.logger.warn('cron message left for a later invocation: too little function time left', {
        messageId: message.messageId,
        remainingMs: context.remainingTimeMs(),
      });
      failed.push(message.messageId);
      continue;
    }
    try {
      await handleCronMessage(message, context);
    } catch {
      failed.push(message.messageId);
    }
  }
  if (failed.length > 1) context.logger.warn('later messages of the batch return to the queue behind the failed one', { messageIds: failed.slice(1) });
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

/** One message: read it, run it, report it. Throws (after logging) when the message must fail. */
export async function handleCronMessage(message: QueueMessage, context: CronContext): Promise<CronMessageOutcome> {
  const { logger } = context;
  logger.appendKeys({ messageId: message.messageId });
  try {
    const command = parseCronMessage(message.body, context.rules, context.now());
    if (command.kind === 'overdue') {
      const outcome = await stopOverdueRuns(command.rule, context);
      if (outcome) await reportOverdue(outcome, context);
      return { kind: 'overdue', outcome };
    }
    const outcome = await runSlot(command.rule, command.slot, command.trigger, context);
    await reportSlot(outcome, context);
    return { kind: 'slot', outcome };
  } catch (error) {
    if (error instanceof CronMessageError) {
      logger.error('rejected a cron message: it goes to the dead-letter queue after its retries', {
        messageId: message.messageId,
        problem: error.message,
        body: message.body.slice(0, 500),
      });
    } else {
      logger.error('cron message failed: SQS will retry it, then move it to the dead-letter queue', { messageId: message.messageId, error: error as Error });
    }
    throw error;
  } finally {
    logger.removeKeys(['messageId']);
  }
}
