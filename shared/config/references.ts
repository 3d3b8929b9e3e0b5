import { CLUSTER_REFERENCE } from './clusters.js';
import { mustBe, oneOf } from './messages.js';
import { isRecord } from './records.js';
import { nameOf, RULE_KIND, type RuleList } from './rule-names.js';
import { queueOutputName } from './stack-outputs.js';

/** A problem found across fields, at the path of the field to change. */
export interface Finding {
  path: (string | number)[];
  message: string;
  input: unknown;
}

/**
 * Checks that need more than one rule: names unique within each list, also once the stack turns
 * them into output names, and clusters defined. They read
 * the config as given, before or despite other errors, so a config with mistakes everywhere gets
 * them all reported at once.
 */
export function referenceProblems(config: unknown): Finding[] {
  if (!isRecord(config)) return [];
  // Without a valid clusters section its own error is the one to fix; a check per rule would only echo it.
  const clusters = isRecord(config.clusters) ? Object.keys(config.clusters) : undefined;
  return (['daemons', 'crons'] as const).flatMap((list) => {
    const rules: unknown[] = Array.isArray(config[list]) ? config[list] : [];
    return [...duplicateNames(list, rules), ...outputCollisions(list, rules), ...(clusters ? unknownClusters(list, rules, clusters) : [])];
  });
}

function duplicateNames(list: RuleList, rules: readonly unknown[]): Finding[] {
  const firstIndex = new Map<string, number>();
  const findings: Finding[] = [];
  rules.forEach((rule, index) => {
    const name = nameOf(rule);
    if (name === undefined) return;
    const first = firstIndex.get(name);
    if (first === undefined) {
      firstIndex.set(name, index);
      return;
    }
    findings.push({
      path: [list, index, 'name'],
      message: `${JSON.stringify(name)} is already the name of ${list}[${first}]; each ${RULE_KIND[list]} needs a name of its own`,
      input: name,
    });
  });
  return findings;
}

/**
 * Two different names that give the same stack output name (`eu-digest`, `eudigest`): `cdk
 * synth` would fail naming neither rule. Identical names are duplicateNames' to report.
 */
function outputCollisions(list: RuleList, rules: readonly unknown[]): Finding[] {
  const firstByOutput = new Map<string, { index: number; name: string }>();
  const findings: Finding[] = [];
  rules.forEach((rule, index) => {
    const name = nameOf(rule);
    if (name === undefined) return;
    const output = queueOutputName(list, name);
    const first = firstByOutput.get(output);
    if (first === undefined) {
      firstByOutput.set(output, { index, name });
      return;
    }
    if (first.name === name) return;
    findings.push({
      path: [list, index, 'name'],
      message: `${JSON.stringify(name)} and ${JSON.stringify(first.name)} (${list}[${first.index}]) both become the stack output ${output}, since CloudFormation keeps only the letters and digits of a name; rename one of them`,
      input: name,
    });
  });
  return findings;
}

function unknownClusters(list: RuleList, rules: readonly unknown[], clusters: readonly string[]): Finding[] {
  const allowed = clusters.length === 0 ? `${CLUSTER_REFERENCE} (there are none)` : `${CLUSTER_REFERENCE}: ${oneOf(clusters)}`;
  return rules.flatMap((rule, index) =>
    isRecord(rule) && typeof rule.cluster === 'string' && !clusters.includes(rule.cluster)
      ? [{ path: [list, index, 'cluster'], message: mustBe(allowed, rule.cluster), input: rule.cluster }]
      : [],
  );
}
