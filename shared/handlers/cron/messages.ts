// zod/mini: the classic API would add about 450 KB to the Lambda bundle.
import * as z from 'zod/mini';
import { describeIssues, preview } from '../../events/issues.js';
import { ecsEventSchema } from '../../events/ecs-events.js';
import { attemptOfKey, slotOfKey, type CronRule } from '../../rules/cron/rule.js';
import { runNowSlot } from '../../rules/cron/run-now.js';
import { parseSchedule, previousSlot, type Schedule } from '../../schedule/index.js';

/**
 * The messages on a cron rule's FIFO queue (message group: the rule's name). See README.md.
 * - slot: EventBridge Scheduler's, with <aws.scheduler.scheduled-time> as `slot`, and the
 *   expression and time zone the schedule fired by (`schedule`, `timeZone`; absent in messages
 *   of earlier versions);
 * - run-now: a manual run (the CLI's), its slot being `requestedAt` (required: a slot taken from
 *   the time of handling would be a new slot, so a second run, on each redelivery);
 * - overdue: the periodic pass that stops runs past maxRunSeconds;
 * - retries: the periodic pass that begins the retries whose time has come;
 * - and ECS's own "ECS Task State Change" events for the rule's copies reaching STOPPED, from
 *   which a run's outcome is learned.
 */
const isoTime = z.iso.datetime({ offset: true, local: false });

const ruleName = z.string().check(z.minLength(1));

export const slotMessageSchema = z.strictObject({
  kind: z.literal('slot'),
  rule: ruleName,
  slot: isoTime,
  schedule: z.optional(z.string().check(z.minLength(1))),
  timeZone: z.optional(z.string().check(z.minLength(1))),
});
export const runNowMessageSchema = z.strictObject({ kind: z.literal('run-now'), rule: ruleName, requestedAt: isoTime });
/** `at` (the pass's scheduled time) only makes each pass's body unique for FIFO deduplication. */
export const overdueMessageSchema = z.strictObject({ kind: z.literal('overdue'), rule: ruleName, at: z.optional(isoTime) });
export const retriesMessageSchema = z.strictObject({ kind: z.literal('retries'), rule: ruleName, at: z.optional(isoTime) });
export const cronMessageSchema = z.discriminatedUnion('kind', [slotMessageSchema, runNowMessageSchema, overdueMessageSchema, retriesMessageSchema]);

export type CronMessage = z.infer<typeof cronMessageSchema>;

/**
 * A slot's message as the rule's schedule sends it (the deployed one, with Scheduler's
 * <aws.scheduler.scheduled-time> as `slot`; the local pipeline, with the slot's time): the
 * expression and time zone that fired it travel with it.
 */
export function slotMessage(rule: Pick<CronRule, 'name' | 'schedule' | 'timeZone'>, slot: string): z.infer<typeof slotMessageSchema> {
  return { kind: 'slot', rule: rule.name, slot, schedule: rule.schedule, timeZone: rule.timeZone ?? 'UTC' };
}

/** A schedule as EventBridge Scheduler fires it: its expression in its time zone. */
export interface FiredSchedule {
  schedule: string;
  timeZone: string;
}

/** A message, checked against the rules the function serves, with its times read. */
export type CronCommand =
  /** `firedBy`: the schedule the slot came from, when it is not the function's copy of the rule's (a deploy in progress). */
  | { kind: 'slot'; rule: CronRule; slot: Date; trigger: 'schedule' | 'manual'; firedBy?: FiredSchedule }
  | { kind: 'overdue'; rule: CronRule }
  | { kind: 'retries'; rule: CronRule }
  /** A copy of attempt `attempt` of the slot reached STOPPED. */
  | { kind: 'stopped'; rule: CronRule; slot: Date; attempt: number; taskArn: string };

/** How far ahead of the clock a slot or requestedAt may be: clock skew, nothing more. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * A message that can never succeed, whatever the retries: the handler rejects it loudly (error log
 * with the body, a 'Cron Message Rejected' event, the MessagesRejected metric) and deletes it.
 * `rule` is the rule it names, when this function serves that rule.
 */
export class CronMessageError extends Error {
  override readonly name = 'CronMessageError';
  constructor(
    message: string,
    readonly rule?: string,
  ) {
    super(message);
  }
}

/**
 * Reads one queue message into a command, or throws CronMessageError saying what is wrong: not
 * JSON, not one of the three kinds (fields are checked strictly), a rule this function does not
 * serve, a time that is not ISO-8601, more than 5 minutes ahead, or (for cron and at schedules) a
 * slot that is not one of the schedule's fire times. The last guards once-per-slot: the run's
 * startedBy is derived from the slot, so a slot off the schedule's grid would be a second run
 * under another key. rate(...) slots are not checked: their grid starts at the deployed
 * schedule's start date, which the rule does not carry.
 *
 * The schedule a slot is checked against is the one it was fired by, when the message names it:
 * a deploy updates the schedule and the function's copy of the rule separately, so for a while
 * a slot of the new schedule can reach the old function, or the reverse, and either must run.
 * A message without it (from an earlier version) is checked against the function's rule.
 */
export function parseCronMessage(body: string, rules: ReadonlyMap<string, CronRule>, now: Date): CronCommand {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new CronMessageError(`not JSON: ${preview(body)}`);
  }
  if (isEcsEvent(json)) return copyStopped(json, body, rules);
  const parsed = cronMessageSchema.safeParse(json);
  if (!parsed.success) {
    throw new CronMessageError(
      `not a cron message (slot, run-now, overdue, retries or a task's STOPPED event): ${describeIssues(parsed.error.issues, json)}; body: ${preview(body)}`,
      servedRuleOf(json, rules),
    );
  }
  const message = parsed.data;
  const rule = rules.get(message.rule);
  if (!rule) {
    const served = [...rules.keys()].join(', ') || 'none';
    throw new CronMessageError(`unknown rule "${message.rule}": this function serves ${served}`);
  }
  switch (message.kind) {
    case 'overdue':
      return { kind: 'overdue', rule };
    case 'retries':
      return { kind: 'retries', rule };
    case 'slot': {
      const slot = notTooFarAhead(rule, 'slot', new Date(message.slot), now);
      const configured: FiredSchedule = { schedule: rule.schedule, timeZone: rule.timeZone ?? 'UTC' };
      const fired: FiredSchedule = message.schedule === undefined ? configured : { schedule: message.schedule, timeZone: message.timeZone ?? 'UTC' };
      checkOnSchedule(rule, slot, fired);
      const differs = fired.schedule !== configured.schedule || fired.timeZone !== configured.timeZone;
      return { kind: 'slot', rule, slot, trigger: 'schedule', ...(differs && { firedBy: fired }) };
    }
    case 'run-now': {
      const requested = notTooFarAhead(rule, 'requestedAt', new Date(message.requestedAt), now);
      return { kind: 'slot', rule, slot: runNowSlot(requested), trigger: 'manual' };
    }
  }
}

/**
 * Whether a message must wait behind a failed one of its group: a slot or a run-now, which the
 * rule's FIFO order serializes. A copy's STOPPED event, an overdue pass and a retry pass need no
 * order: each is idempotent and its ledger writes are conditional on the revision it read. A body
 * that cannot be read waits too (handled, it would only be rejected).
 */
export function keepsOrder(body: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return true;
  }
  if (isEcsEvent(json)) return false;
  const kind = (json as { kind?: unknown } | null)?.kind;
  return kind !== 'overdue' && kind !== 'retries';
}

function isEcsEvent(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { source?: unknown }).source === 'aws.ecs';
}

/** An ECS event on a cron queue: only a served rule's copy reaching STOPPED belongs here. */
function copyStopped(json: unknown, body: string, rules: ReadonlyMap<string, CronRule>): CronCommand {
  const parsed = ecsEventSchema.safeParse(json);
  if (!parsed.success) throw new CronMessageError(`malformed ECS event: ${describeIssues(parsed.error.issues, json)}; body: ${preview(body)}`);
  const event = parsed.data;
  if (event['detail-type'] !== 'ECS Task State Change' || event.detail.lastStatus !== 'STOPPED') {
    throw new CronMessageError(`an ECS event that is not a task reaching STOPPED (${event['detail-type']}): ${preview(body)}`);
  }
  const { startedBy, taskArn } = event.detail;
  for (const rule of rules.values()) {
    const slot = slotOfKey(rule, startedBy);
    const attempt = attemptOfKey(rule, startedBy);
    if (slot !== undefined && attempt !== undefined && Number.isSafeInteger(attempt) && attempt >= 1) {
      return { kind: 'stopped', rule, slot, attempt, taskArn };
    }
  }
  throw new CronMessageError(`task ${taskArn} stopped with startedBy "${startedBy ?? ''}", which names a slot of no rule this function serves (${[...rules.keys()].join(', ') || 'none'})`);
}

function notTooFarAhead(rule: CronRule, field: string, time: Date, now: Date): Date {
  if (time.getTime() - now.getTime() > FUTURE_TOLERANCE_MS) {
    throw new CronMessageError(`${field} ${time.toISOString()} is more than 5 minutes ahead of the clock (${now.toISOString()})`, rule.name);
  }
  return time;
}

function checkOnSchedule(rule: CronRule, slot: Date, fired: FiredSchedule): void {
  let schedule: Schedule;
  try {
    schedule = parseSchedule(fired.schedule, fired.timeZone);
  } catch (error) {
    throw new CronMessageError(`slot message of rule ${rule.name} names a schedule that cannot be read: ${(error as Error).message}`, rule.name);
  }
  if (schedule.kind === 'rate') return;
  if (previousSlot(schedule, slot)?.getTime() !== slot.getTime()) {
    throw new CronMessageError(`slot ${slot.toISOString()} is not a fire time of rule ${rule.name}'s schedule ${fired.schedule} (${fired.timeZone})`, rule.name);
  }
}

/** The rule a message that failed its schema names, if this function serves it. */
function servedRuleOf(json: unknown, rules: ReadonlyMap<string, CronRule>): string | undefined {
  const name = typeof json === 'object' && json !== null ? (json as { rule?: unknown }).rule : undefined;
  return typeof name === 'string' && rules.has(name) ? name : undefined;
}
