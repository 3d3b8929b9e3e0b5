import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface RuleQueuesProps {
  /** The function's timeout: by default a message stays invisible six times as long (AWS's guidance for Lambda sources). */
  functionTimeout: Duration;
  /**
   * How long a received message stays invisible, which is also how soon a failed one comes back.
   * Default six times `functionTimeout`. Never less than `functionTimeout` (Lambda requires it).
   */
  visibilityTimeout?: Duration;
  /** Receives before a message goes to the dead-letter queue. Default 3. */
  maxReceiveCount?: number;
}

const RETENTION = Duration.days(14);
const SAFE: Pick<QueueProps, 'encryption' | 'enforceSSL'> = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true };

/**
 * The three queues every rule has: the SQS FIFO queue its function drains (a rule's messages are
 * handled one at a time per message group; identical bodies within 5 minutes are dropped), that
 * queue's dead-letter queue, and a standard queue for what EventBridge or Scheduler could not
 * deliver (their dead-letter queues cannot be FIFO). All encrypted and TLS-only.
 */
export class RuleQueues extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly undelivered: Queue;

  constructor(scope: Construct, id: string, props: RuleQueuesProps) {
    super(scope, id);
    if (props.visibilityTimeout && props.visibilityTimeout.toSeconds() < props.functionTimeout.toSeconds()) {
      throw new Error(
        `RuleQueues: visibilityTimeout (${props.visibilityTimeout.toSeconds()} s) is shorter than functionTimeout (${props.functionTimeout.toSeconds()} s); Lambda requires at least the function's timeout`,
      );
    }
    this.deadLetterQueue = new Queue(this, 'DeadLetters', { fifo: true, retentionPeriod: RETENTION, ...SAFE });
    this.queue = new Queue(this, 'Messages', {
      fifo: true,
      contentBasedDeduplication: true,
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(props.functionTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 3 },
      ...SAFE,
    });
    this.undelivered = new Queue(this, 'Undelivered', { retentionPeriod: RETENTION, ...SAFE });
    // cdk-nag: dead-letter queues need no dead-letter queue of their own.
    for (const queue of [this.deadLetterQueue, this.undelivered]) {
      Validations.of(queue).acknowledge(
        { id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' },
        { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is itself a dead-letter queue.' },
      );
    }
  }
}
