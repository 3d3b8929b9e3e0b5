import { reportOverdue, reportRejected, reportSlot, type CronOverdueOutcome, type CronSlotOutcome } from '../../report/cron-report.js';
import { reportRunEnd } from '../../report/run-report.js';
import { LedgerSchemaError } from '../../ledger/run-ledger.js';
import type { QueueMessage } from '../context.js';
import type { BatchResponse, CronContext } from './context.js';
import { CronMessageError, keepsOrder, parseCronMessage, type CronCommand } from './messages.js';
import { stopOverdueRuns } from './overdue.js';
import { RESERVED_MS } from './attempt.js';
import { beginDueRetries } from './retries.js';
import { recordRunEnd, type RunEnd } from './run-ended.js';
import { returnsForTime } from './time-left.js';
import { runLedgeredSlot, SlotLeasedError } from './slot-ledger.js';

export type { BatchResponse, CronContext } from './context.js';

export type CronMessageOutcome =
  | { kind: 'slot'; outcome: CronSlotOutcome }
  | { kind: 'overdue'; outcome: CronOverdueOutcome | undefined }
  | { kind: 'retries'; outcomes: CronSlotOutcome[] }
  | { kind: 'stopped'; end: RunEnd };

/**
 * Handles one batch from a cron FIFO queue (message group: the rule), one message after another,
 * and answers with SQS's partial batch response. Two kinds of trouble, treated apart:
 * - a message that can never succeed (a CronMessageError: not JSON, unknown kind or rule, bad or
 *   off-schedule time) is rejected loudly and deleted: an error log line with its id, the problem
 *   and the whole body, a 'Cron Message Rejected' event with the body, and the MessagesRejected
 *   metric. Retrying it would only hold up the rule's FIFO group, and every slot behind it, for
 *   the retries' visibility timeouts; nothing is lost, the body is in the event and the log. If
 *   that event cannot be published, the message fails instead, and comes back;
 * - any other error (a cluster that cannot be read, throttling beyond the SDK's retries, results
 *   that cannot be published) may pass: the message is logged and FAILS, so SQS retries it once
 *   its visibility timeout (the function's timeout + 30 s) ends, then moves it to the dead-letter
 *   queue.
 *
 * A batch may hold several message groups (a cluster's queue serves all its rules, a group per
 * rule). The groups are handled at once, each in FIFO order: once a message fails, it and the
 * later slots and run-nows of its group are reported failed (unhandled), the later messages that
 * need no order are still handled (see handleGroup), and the earlier ones succeed; the other
 * groups go on, so one rule's failing message never holds up another rule's slot, nor does one
 * slot's capacity retries delay another rule's start. A group done while others still run is
 * deleted from the queue at once (context.deleteEarly): until the batch is answered, its messages
 * would stay in flight and its next ones undelivered. A message is also left unhandled, and
 * reported failed, when the function has too little time left to handle it, and a slot when it
 * has too little left for the slot's capacity retries (see time-left.ts).
 */
export async function handleCronBatch(messages: readonly QueueMessage[], context: CronContext): Promise<BatchResponse> {
  const groups = new Map<string, QueueMessage[]>();
  for (const message of messages) groups.set(message.groupId ?? '', [...(groups.get(message.groupId ?? '') ?? []), message]);
  let running = groups.size;
  const answers = await Promise.all(
    [...groups.values()].map(async (group) => {
      const answer = await handleGroup(group, context);
      running -= 1;
      // The group's next messages wait while these are in flight, which lasts as long as the batch.
      if (running > 0) await deleteDone(group, answer, context);
      return answer;
    }),
  );
  // In the order of the batch, as Lambda lists them.
  const failed = new Set(answers.flatMap((answer) => answer.batchItemFailures.map((failure) => failure.itemIdentifier)));
  return { batchItemFailures: messages.filter((message) => failed.has(message.messageId)).map((message) => ({ itemIdentifier: message.messageId })) };
}

/**
 * Deletes a finished group's messages that succeeded (handled or rejected) while other groups of
 * the batch still run. A failed delete is only logged: Lambda deletes them when the batch is
 * answered, as it would have anyway, and deleting twice is harmless.
 */
async function deleteDone(group: readonly QueueMessage[], answer: BatchResponse, context: CronContext): Promise<void> {
  if (!context.deleteEarly) return;
  const failed = new Set(answer.batchItemFailures.map((failure) => failure.itemIdentifier));
  const done = group.filter((message) => !failed.has(message.messageId)).map((message) => message.messageId);
  if (done.length === 0) return;
  try {
    await context.deleteEarly(done);
  } catch (error) {
    context.logger.warn('could not delete a finished rule\'s messages early: its group waits until the batch ends', { messageIds: done, error: error as Error });
  }
}

/**
 * One message group's messages, in order. Once one fails, the group's later slots and run-nows
 * are left unhandled and fail with it: the rule's order must hold. Its later STOPPED events,
 * overdue and retry passes are still handled (see keepsOrder): left unhandled, they would come
 * back with the failing message each time, their receive counts climbing with its, and go to the
 * dead-letter queue with it without ever being handled; a STOPPED event is the only record of a
 * run's end.
 */
async function handleGroup(messages: readonly QueueMessage[], context: CronContext): Promise<BatchResponse> {
  const failed: string[] = [];
  for (const message of messages) {
    if (failed.length > 0 && keepsOrder(message.body)) {
      failed.push(message.messageId);
      continue;
    }
    try {
      await handleInBatch(message, context);
    } catch {
      // Logged where it failed.
      failed.push(message.messageId);
    }
  }
  const later = failed.slice(1);
  if (later.length > 0) context.logger.warn('later messages of the rule\'s group return to the queue behind the failed one', { messageIds: later });
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

/** One message of a batch: completes when it is handled or rejected, and throws for it to fail. */
async function handleInBatch(message: QueueMessage, context: CronContext): Promise<void> {
  const remainingMs = context.remainingTimeMs();
  if (remainingMs < RESERVED_MS) {
    context.logger.warn('cron message left for a later invocation: too little function time left', { messageId: message.messageId, remainingMs });
    throw new Error(`too little function time left for message ${message.messageId}: ${remainingMs} ms`);
  }
  const command = readable(message, context);
  if (command && returnsForTime(command, remainingMs, context.now())) {
    context.logger.warn('cron slot left for an invocation of its own: its capacity retries could outlast the function\'s time left', { messageId: message.messageId, remainingMs });
    throw new Error(`too little function time left for the capacity retries of message ${message.messageId}: ${remainingMs} ms`);
  }
  try {
    await handleCronMessage(message, context, command);
  } catch (error) {
    if ((error instanceof CronMessageError || error instanceof LedgerSchemaError) && (await reject(message, error, context))) return;
    throw error;
  }
}

/** The message read, to decide whether it waits for an invocation of its own (see returnsForTime); undefined when it cannot be read: it runs, to be rejected. */
function readable(message: QueueMessage, context: CronContext): CronCommand | undefined {
  try {
    return parseCronMessage(message.body, context.rules, context.now());
  } catch {
    return undefined;
  }
}

/**
 * One message: read it, run it, report it. Throws a CronMessageError, unlogged, for a message
 * that can never succeed (the batch rejects it; the CLI shows it), and any other error after
 * logging it.
 */
export async function handleCronMessage(message: QueueMessage, context: CronContext, read?: CronCommand): Promise<CronMessageOutcome> {
  // The messages of a batch's groups run at once on one logger: each line names its message itself.
  const { logger } = context;
  const { messageId } = message;
  try {
    // A batch has already read it; the CLI has not.
    const command = read ?? parseCronMessage(message.body, context.rules, context.now());
    switch (command.kind) {
      case 'overdue': {
        const outcome = await stopOverdueRuns(command.rule, context);
        if (outcome) await reportOverdue(outcome, context);
        return { kind: 'overdue', outcome };
      }
      case 'retries': {
        const outcomes = await beginDueRetries(command.rule, context);
        for (const outcome of outcomes) await reportSlot(outcome, context);
        return { kind: 'retries', outcomes };
      }
      case 'stopped': {
        const end = await recordRunEnd(command, context);
        if (end.kind === 'ended') await reportRunEnd({ record: end.record, attempt: end.attempt, maxAttempts: 1 + (command.rule.retries ?? 0) }, context);
        else logger.debug('cron copy stopped; nothing to record yet', { messageId, rule: command.rule.name, slot: command.slot.toISOString(), taskArn: command.taskArn, ...end });
        return { kind: 'stopped', end };
      }
      case 'slot': {
        if (command.firedBy) {
          // A deploy in progress: the schedule and this function's copy of the rule change separately.
          logger.warn('cron slot fired by a schedule other than this function\'s rule; the slot was checked against the schedule that fired it', {
            messageId,
            rule: command.rule.name,
            slot: command.slot.toISOString(),
            firedBy: command.firedBy,
            configured: { schedule: command.rule.schedule, timeZone: command.rule.timeZone ?? 'UTC' },
          });
        }
        const outcome = await runLedgeredSlot(command.rule, command.slot, command.trigger, context);
        await reportSlot(outcome, context);
        return { kind: 'slot', outcome };
      }
    }
  } catch (error) {
    if (error instanceof SlotLeasedError) {
      // Not a fault: the holder finishes the slot, and this delivery comes back to find it done (or the holder dead).
      logger.warn('cron slot is held by another invocation: this delivery yields and comes back after the visibility timeout', { messageId, ...error });
    } else if (!(error instanceof CronMessageError) && !(error instanceof LedgerSchemaError)) {
      logger.error('cron message failed: SQS retries it when its visibility timeout ends, then moves it to the dead-letter queue', {
        messageId,
        error: error as Error,
      });
    }
    throw error;
  }
}

/**
 * Rejects a message that can never succeed; true once it is reported, and may be deleted. Its rule
 * is the one it names if served here, else the one its message group names (as deployed, every
 * rule's messages travel in a group named after it), else, for a function that serves a single
 * rule, that rule.
 */
async function reject(message: QueueMessage, error: CronMessageError | LedgerSchemaError, context: CronContext): Promise<boolean> {
  const group = message.groupId !== undefined && context.rules.has(message.groupId) ? message.groupId : undefined;
  const only = context.rules.size === 1 ? [...context.rules.keys()][0] : undefined;
  try {
    await reportRejected({ rule: error.rule ?? group ?? only, messageId: message.messageId, problem: error.message, body: message.body }, context);
    return true;
  } catch (publishing) {
    context.logger.error('could not report a rejected cron message: it fails instead, and comes back to be rejected again', {
      messageId: message.messageId,
      error: publishing as Error,
    });
    return false;
  }
}
