import { DescribeTasksCommand, paginateListTasks, StopTaskCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { cronRulePrefix } from '../../rules/cron/rule.js';
import { daemonKey } from '../../rules/daemon/rule.js';
import { removalBatch, removalDone, type RemovalTerms } from '../../rules/removal.js';

/** DescribeTasks takes at most 100 ids. */
const DESCRIBE_BATCH = 100;

export interface RemovalContext {
  ecs: ECSClient;
  logger: Logger;
}

/**
 * One check of a rule's removal (the custom resource provider's isComplete, called every
 * interval until it answers done): list the rule's live copies, stop the batch removalBatch
 * allows, and say whether the removal is over. A daemon's copies that were asked to stop are no
 * longer listed (ListTasks lists RUNNING-desired tasks), so each check stops a fresh batch.
 */
export async function checkRemoval(terms: RemovalTerms, context: RemovalContext): Promise<{ done: boolean; stopped: string[]; left: number }> {
  const live = await liveCopies(terms, context.ecs);
  const batch = live.slice(0, removalBatch(terms, live.length));
  const reason = `${terms.kind} ${terms.rule}: the rule was removed from the stack`;
  for (const task of batch) await context.ecs.send(new StopTaskCommand({ cluster: terms.cluster, task, reason }));
  const left = live.length - batch.length;
  context.logger.info('rule removal', { ...terms, live: live.length, stopped: batch, left });
  return { done: removalDone(terms, left), stopped: batch, left };
}

/** The rule's RUNNING-desired tasks, by ARN. */
async function liveCopies(terms: RemovalTerms, ecs: ECSClient): Promise<string[]> {
  if (terms.kind === 'daemon') return listTasks(ecs, { cluster: terms.cluster, startedBy: daemonKey({ name: terms.rule }) });
  if (!terms.stopRuns) return [];
  // A run's startedBy names its slot, and ListTasks matches startedBy exactly: list the family, keep the rule's runs.
  const arns = await listTasks(ecs, { cluster: terms.cluster, family: terms.family });
  const prefix = cronRulePrefix({ name: terms.rule });
  const runs: string[] = [];
  for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
    const answer = await ecs.send(new DescribeTasksCommand({ cluster: terms.cluster, tasks: arns.slice(i, i + DESCRIBE_BATCH) }));
    for (const task of answer.tasks ?? []) if (task.startedBy?.startsWith(prefix) && task.taskArn) runs.push(task.taskArn);
  }
  return runs;
}

async function listTasks(ecs: ECSClient, filter: { cluster: string; startedBy?: string; family?: string }): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListTasks({ client: ecs }, filter)) arns.push(...(page.taskArns ?? []));
  return arns;
}
