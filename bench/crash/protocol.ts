import type { CronRule } from '../../shared/rules/cron/rule.js';
import type { DaemonRule } from '../../shared/rules/daemon/rule.js';
import type { ResultEvent } from '../../shared/report/result-events.js';

/** What the harness asks of one worker (bench/crash/worker.ts): one delivery of one message. */
export interface CrashJob {
  kind: 'cron' | 'daemon';
  rule: CronRule | DaemonRule;
  messageId: string;
  body: string;
  ecsEndpoint: string;
  ledgerEndpoint?: string;
  ledgerTable?: string;
  /** The invocation's start on the deployed clock (epoch ms). */
  clockMs: number;
  /** The function's timeout: its remaining time runs down from this. */
  functionTimeoutMs: number;
}

/** How the invocation ended, if it was not killed: `failed` makes the message come back. */
export interface WorkerAnswer {
  failed: boolean;
  error?: string;
  /** The result events it published. */
  events: ResultEvent[];
}

/** The moments a worker can be killed at, in its own words. */
export const KILL_POINT = {
  before: (call: 'start' | 'stop') => `before-${call}`,
  /** Sent just before the request goes out: a kill here lands while it is in flight, or just before. */
  during: (call: 'start' | 'stop') => `during-${call}`,
  after: (call: 'start' | 'stop') => `after-${call}`,
  /** The work is done and reported; Lambda has not yet told SQS to delete the message. */
  beforeAck: 'before-ack',
} as const;
