import { setTimeout as delay } from 'node:timers/promises';
import { EcsError, throttled } from '../errors.js';
import type { CallLog } from './calls.js';
import type { FaultInjector } from './faults.js';
import type { Throttling } from './throttling.js';

/** Answers one call of an operation; throws EcsError for the errors ECS would answer with. */
export type Answer = (input: Record<string, unknown>) => object;

export interface PipelineParts {
  calls: CallLog;
  throttling: Throttling;
  faults: FaultInjector;
  latencyMs: () => number;
  /** The operation's implementation, or undefined for an operation the emulator lacks. */
  find: (operation: string) => Answer | undefined;
}

/**
 * What happens to every call, in order: it is counted, it waits out the configured latency (a
 * timer, so many calls wait at once), then it may be throttled or fail by injection, and only
 * then does the emulated ECS act on it.
 */
export class CallPipeline {
  constructor(private readonly parts: PipelineParts) {}

  async call(operation: string, input: Record<string, unknown>): Promise<object> {
    const { calls, throttling, faults, latencyMs, find } = this.parts;
    calls.record(operation);
    const latency = latencyMs();
    if (latency > 0) await delay(latency);
    const answer = find(operation);
    if (!answer) {
      throw new EcsError('UnknownOperationException', `The ECS emulator does not implement ${operation || 'this operation'}.`);
    }
    if (!throttling.admit(operation)) throw throttled();
    const fault = faults.check(operation, input);
    if (fault?.answerLost) answer(input);
    if (fault) throw fault.error;
    return answer(input);
  }
}
