/**
 * The tag every task the schedulers start carries, naming its rule. The functions' IAM policies
 * hinge on it: StartTask and tag-on-create require it with the function's own rule as value
 * (aws:RequestTag), and StopTask is allowed only on tasks whose tag names that rule
 * (aws:ResourceTag), so a function can stop its own rule's copies and nothing else.
 */
export const RULE_TAG_KEY = 'ecs-schedulers:rule';

export type TaggedRuleKind = 'daemon' | 'cron';

/** `daemon/<name>` or `cron/<name>`: daemon and cron rules may share a name. */
export function ruleTagValue(kind: TaggedRuleKind, name: string): string {
  return `${kind}/${name}`;
}

/** The rule's own tags with the rule tag added: what each of its starts asks ECS to put on the task. */
export function withRuleTag(tags: Readonly<Record<string, string>> | undefined, kind: TaggedRuleKind, name: string): Record<string, string> {
  return { ...tags, [RULE_TAG_KEY]: ruleTagValue(kind, name) };
}
