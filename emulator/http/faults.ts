import { EcsError, serverError } from '../errors.js';
import type { Random } from '../random.js';

export interface FailureRule {
  operation: string;
  /** Only calls whose request body passes this fail. Request bodies are arbitrary JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  when?: (input: any) => boolean;
  /** How many calls fail before the rule retires itself. Default: until removed. */
  times?: number;
  status?: 500 | 503;
  /**
   * A client error to answer with instead of a server error, such as the AccessDeniedException
   * that AWS gives a StartTask whose caller may not pass the task definition's role.
   */
  error?: { type: string; message: string };
  /**
   * The call takes effect and only its answer is lost (the client sees the 5xx): a StartTask that
   * started its tasks although the caller cannot know it. Default false: the call fails before
   * ECS acts on it.
   */
  answerLost?: boolean;
}

/** An injected failure: the error to answer with, and whether the call is carried out first. */
export interface InjectedFault {
  error: EcsError;
  answerLost: boolean;
}

/** Errors injected on purpose: server errors at random (`errorRate`), or any error by rule (`failCalls`). */
export class FaultInjector {
  private rules: Array<FailureRule & { remaining: number }> = [];
  private errorRate = 0;

  constructor(
    private readonly random: Random,
    errorRate: number,
  ) {
    this.setErrorRate(errorRate);
  }

  setErrorRate(rate: number): void {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`errorRate must be between 0 and 1, got ${rate}`);
    this.errorRate = rate;
  }

  /** Adds a rule; the returned function removes it. */
  add(rule: FailureRule): () => void {
    const entry = { ...rule, remaining: rule.times ?? Infinity };
    this.rules.push(entry);
    return () => {
      this.rules = this.rules.filter((candidate) => candidate !== entry);
    };
  }

  /** The failure this call should meet, if any. */
  check(operation: string, input: unknown): InjectedFault | undefined {
    const rule = this.rules.find((candidate) => candidate.operation === operation && (candidate.when?.(input) ?? true));
    if (rule) {
      rule.remaining--;
      if (rule.remaining <= 0) this.rules = this.rules.filter((candidate) => candidate !== rule);
      return { error: rule.error ? new EcsError(rule.error.type, rule.error.message) : serverError(rule.status), answerLost: rule.answerLost ?? false };
    }
    if (this.errorRate > 0 && this.random.next() < this.errorRate) return { error: serverError(), answerLost: false };
    return undefined;
  }
}
