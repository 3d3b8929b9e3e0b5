import { z } from 'zod';
import { clustersSchema } from './clusters.js';
import { cronRuleSchema } from './cron.js';
import { daemonRuleSchema } from './daemon.js';
import { matching } from './fields.js';
import { referenceProblems } from './references.js';

/** Region codes as AWS writes them: us-east-1, us-gov-west-1, ap-southeast-7. */
const REGION = /^[a-z]+(-[a-z]+)+-[0-9]+$/;
/** PutEvents' EventBusName: a bus name, or the bus's ARN. */
const EVENT_BUS = /^(arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus\/)?[A-Za-z0-9/._-]{1,256}$/;
/** A standard SNS topic's ARN. */
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$/;

/**
 * The whole config. Parse it through `validateConfig` (or `loadConfig`) for messages that name
 * the rule and the field; parsed alone, zod's default wording describes wrong types.
 */
export const schedulerConfigSchema = z
  .strictObject({
    /** Region of the clusters and the schedulers. Default: the deploy environment's (`cdk deploy`'s). */
    region: matching(REGION, 'an AWS Region code such as us-east-1').optional(),
    /** Event bus (name or ARN) that receives each run's result. Default `default`, the account's default bus. */
    eventBusName: matching(EVENT_BUS, 'an event bus name (1-256 letters, digits, . - _ or /) or an event bus ARN').optional(),
    /**
     * An SNS topic of your own for the alarms, instead of the stack's. Its policy must let
     * `cloudwatch.amazonaws.com` publish for the stack's alarms (names starting `<stack name>/`),
     * and a topic that is encrypted needs a customer-managed key that CloudWatch may use (see
     * README, Alarms). Default: the stack's own topic.
     */
    alarmTopicArn: matching(TOPIC_ARN, 'the ARN of a standard SNS topic').optional(),
    /** The clusters rules run on, keyed by the name rules give in `cluster`. */
    clusters: clustersSchema,
    /** One task on every eligible instance of a cluster. Names unique among daemon rules. Default: none. */
    daemons: z.array(daemonRuleSchema).optional(),
    /** Tasks run on a schedule. Names unique among cron rules. Default: none. */
    crons: z.array(cronRuleSchema).optional(),
  })
  // Runs despite errors elsewhere (`when`), so cross-rule problems are reported with the rest.
  .superRefine(
    (config, context) => {
      for (const { path, message, input } of referenceProblems(config)) context.addIssue({ code: 'custom', path, message, input });
    },
    { when: () => true },
  );
