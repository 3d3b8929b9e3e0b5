import type { RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { z } from 'zod';
import type { Emulator, InstanceView } from '../emulator/index.js';
import type { SchedulerConfig } from '../shared/config/index.js';
import { parseTaskDefinitionReference } from '../shared/ecs/task-definition-reference.js';
import { runsOnFargate } from '../shared/rules/cron/ecs-placed-copies.js';
import { evaluate, parseExpression, type Expression, type InstanceFacts, type TextValue } from '../shared/placement/expression/index.js';

/**
 * An emulated cluster for whatever the config holds, for `npm start` and `ecs-sched emulator`:
 * the task definitions its rules name, and instances whose attributes let its constraints match.
 */

/**
 * Sizes of the config's task definitions in the emulator: the config file's optional `local`
 * export. It is not part of the validated config (which refuses unknown keys), and only local
 * mode reads it, since in AWS the task definitions are your own.
 */
const localHintsSchema = z.strictObject({
  taskDefinitions: z
    .record(
      z.string(),
      z.strictObject({
        cpu: z.number().int().positive().optional(),
        memory: z.number().int().positive().optional(),
        /** Host ports the container binds; the family is then registered in host network mode. */
        hostPorts: z.array(z.number().int().min(1).max(65535)).optional(),
      }),
    )
    .optional(),
});
export type LocalHints = z.infer<typeof localHintsSchema>;

/** The size of a family the `local` export does not mention. */
export const DEFAULT_TASK_SIZE = { cpu: 256, memory: 512 } as const;

/** The `local` export, checked; an absent one is no hints. */
export function parseLocalHints(value: unknown): LocalHints {
  if (value === undefined) return {};
  const result = localHintsSchema.safeParse(value);
  if (!result.success) throw new Error(`the config's \`local\` export is not { taskDefinitions: { FAMILY: { cpu?, memory?, hostPorts? } } }: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return result.data;
}

/**
 * Registers every family the config's rules name, one container named after the family, sized
 * by the hint or the defaults; a rule naming `family:3` gets revisions up to 3. Returns a line
 * per family saying what it got, for the user to read before any decision.
 */
function registerConfigTaskDefinitions(emulator: Emulator, config: SchedulerConfig, hints: LocalHints): string[] {
  const revisions = new Map<string, number>();
  /** Families a cron rule runs on Fargate: they must be awsvpc and Fargate-compatible, as the user's would be. */
  const onFargate = new Set<string>();
  for (const rule of [...(config.daemons ?? []), ...(config.crons ?? [])]) {
    const reference = parseTaskDefinitionReference(rule.taskDefinition);
    if (!reference) continue;
    revisions.set(reference.family, Math.max(revisions.get(reference.family) ?? 1, reference.revision ?? 1));
    const launch = 'launch' in rule ? rule.launch : undefined;
    if (launch && launch.type !== 'ec2' && runsOnFargate(launch)) onFargate.add(reference.family);
  }
  return [...revisions].map(([family, revision]) => {
    const hint = hints.taskDefinitions?.[family];
    const cpu = hint?.cpu ?? DEFAULT_TASK_SIZE.cpu;
    const memory = hint?.memory ?? DEFAULT_TASK_SIZE.memory;
    const ports = hint?.hostPorts ?? [];
    const fargate = onFargate.has(family);
    const definition: RegisterTaskDefinitionRequest = {
      family,
      ...(ports.length > 0 && { networkMode: 'host' }),
      ...(fargate && { networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: String(cpu), memory: String(memory) }),
      containerDefinitions: [{ name: family, image: `local/${family}`, cpu, memory, portMappings: ports.map((port) => ({ containerPort: port })) }],
    };
    for (let i = 0; i < revision; i += 1) emulator.admin.registerTaskDefinition(definition);
    const source = hint ? 'from the local export' : 'defaults: no local export names it';
    return `task definition ${family}${revision > 1 ? ` (revisions 1-${revision})` : ''}: container "${family}", ${cpu} CPU units, ${memory} MiB${ports.length > 0 ? `, host ports ${ports.join(', ')}` : ''}${fargate ? ', awsvpc for Fargate' : ''} (${source})`;
  });
}

export interface SeededCluster {
  name: string;
  arn: string;
  instances: string[];
  /** What later instances of the cluster get, for instances that join. */
  attributes: SeedAttributes;
}

/**
 * The config's task definitions, and `instances` instances in each of `clusters`, with the
 * attributes its constraints ask for. `notes` says what was registered and which constraints
 * still match nothing, for the user to read first.
 */
export function seedForConfig(
  emulator: Emulator,
  options: { config: SchedulerConfig; hints: LocalHints; clusters: readonly string[]; instances: number; registeredAt?: Date },
): { clusters: SeededCluster[]; notes: string[] } {
  const notes = registerConfigTaskDefinitions(emulator, options.config, options.hints);
  const clusters = options.clusters.map((name) => {
    const arn = emulator.admin.createCluster(name);
    const constraints = constraintsOn(options.config, name);
    const attributes = new SeedAttributes(constraints.map((constraint) => constraint.expression));
    const instances = Array.from({ length: options.instances }, (_, index) => addConfigInstance(emulator, name, index, options.registeredAt, attributes));
    notes.push(...unmatchedConstraints(emulator, name, constraints));
    return { name, arn, instances, attributes };
  });
  return { clusters, notes };
}

/** Instance shapes of a small, mixed fleet, in three zones. */
const SHAPES = [
  { instanceType: 'm5.large', cpu: 2048, memory: 7680 },
  { instanceType: 'm5.xlarge', cpu: 4096, memory: 15576 },
  { instanceType: 'c5.2xlarge', cpu: 8192, memory: 15360 },
  { instanceType: 'r5.large', cpu: 2048, memory: 15576 },
];
const ZONES = ['a', 'b', 'c'];

/** Every constraint of the config's rules on a cluster, with the rule it belongs to. */
function constraintsOn(config: SchedulerConfig, cluster: string): Array<{ rule: string; source: string; expression: Expression }> {
  const daemons = (config.daemons ?? []).filter((rule) => rule.cluster === cluster && rule.constraint).map((rule) => ({ rule: `daemon ${rule.name}`, source: rule.constraint! }));
  const crons = (config.crons ?? [])
    .filter((rule) => rule.cluster === cluster)
    .flatMap((rule) => (rule.placement?.constraints ?? []).flatMap((constraint) => (constraint.type === 'memberOf' ? [{ rule: `cron ${rule.name}`, source: constraint.expression }] : [])));
  return [...daemons, ...crons].map((entry) => ({ ...entry, expression: parseExpression(entry.source) }));
}

/**
 * Custom attributes for the seeded instances, read off the constraints' simple terms: values an
 * `==`, `in` or `exists` term asks for go round the instances; a value a `!=` or `not in` term
 * keeps out goes on every fourth instance, so a constraint both includes and leaves out some (an
 * absent attribute satisfies no comparison, `!=` included, so the others get a value too). Terms
 * on ECS's own attributes (ecs.*), orderings and patterns are left alone: `unmatchedConstraints`
 * then names a constraint still matching nothing.
 */
export class SeedAttributes {
  private readonly wanted = new Map<string, string[]>();
  private readonly avoided = new Map<string, string[]>();

  constructor(expressions: readonly Expression[]) {
    for (const expression of expressions) this.collect(expression, false);
  }

  for(index: number): Record<string, string> {
    const attributes: Record<string, string> = {};
    for (const name of new Set([...this.wanted.keys(), ...this.avoided.keys()])) {
      const wanted = this.wanted.get(name) ?? [];
      const avoided = this.avoided.get(name) ?? [];
      if (avoided.length > 0 && index % 4 === 3) attributes[name] = avoided[Math.floor(index / 4) % avoided.length]!;
      else attributes[name] = wanted.length > 0 ? wanted[index % wanted.length]! : `not-${avoided[0]!}`;
    }
    return attributes;
  }

  private collect(expression: Expression, negated: boolean): void {
    switch (expression.kind) {
      case 'or':
      case 'and':
        this.collect(expression.left, negated);
        this.collect(expression.right, negated);
        return;
      case 'not':
        this.collect(expression.operand, !negated);
        return;
      case 'exists':
        if (expression.operator === 'exists' !== negated) this.add(this.wanted, expression.subject.name, ['true']);
        return;
      case 'text': {
        if (expression.subject.kind !== 'attribute') return;
        const { name } = expression.subject;
        if (expression.operator === 'equals' || expression.operator === 'not_equals') {
          this.add((expression.operator === 'equals') !== negated ? this.wanted : this.avoided, name, [sample(expression.value)]);
        } else if (expression.operator === 'in' || expression.operator === 'not_in') {
          this.add((expression.operator === 'in') !== negated ? this.wanted : this.avoided, name, expression.values.map(sample));
        }
        return;
      }
      default:
        return;
    }
  }

  private add(into: Map<string, string[]>, name: string, values: readonly string[]): void {
    if (name.startsWith('ecs.') || name.startsWith('com.amazonaws.ecs.')) return;
    const list = into.get(name) ?? [];
    for (const value of values) if (!list.includes(value)) list.push(value);
    into.set(name, list);
  }
}

/** A value a term's text matches: a wildcard's `*` stands for any text, so one letter does. */
function sample(value: TextValue): string {
  return value.wildcard ? value.text.replaceAll('*', 'x') : value.text;
}

/** One instance: shapes and zones in turn, with the attributes the config's constraints ask for. */
export function addConfigInstance(emulator: Emulator, cluster: string, index: number, registeredAt: Date | undefined, attributes: SeedAttributes): string {
  const shape = SHAPES[index % SHAPES.length]!;
  return emulator.admin.registerInstance({
    cluster,
    cpu: shape.cpu,
    memory: shape.memory,
    instanceType: shape.instanceType,
    availabilityZone: `${emulator.region}${ZONES[index % ZONES.length]}`,
    attributes: attributes.for(index),
    ...(registeredAt && { registeredAt }),
  });
}

/** The constraints that match none of the cluster's ACTIVE instances, as lines to print. */
function unmatchedConstraints(emulator: Emulator, cluster: string, constraints: ReturnType<typeof constraintsOn>): string[] {
  const instances = emulator.admin.listInstances(cluster).filter((instance) => instance.status === 'ACTIVE');
  return constraints
    .filter(({ expression }) => !instances.some((instance) => evaluate(expression, instanceFacts(instance))))
    .map(({ rule, source }) => `${rule}: constraint "${source}" matches none of the ${instances.length} seeded instances of ${cluster} (seeding sets custom attributes from ==, in, != and exists terms only)`);
}

/** What the constraint evaluator knows of an emulated instance (it has no tasks' groups at seeding). */
export function instanceFacts(instance: InstanceView): InstanceFacts {
  return {
    containerInstanceArn: instance.arn,
    ec2InstanceId: instance.ec2InstanceId,
    agentConnected: instance.agentConnected,
    // The emulator reports none: a constraint on agentVersion matches nothing locally.
    agentVersion: '',
    registeredAt: instance.registeredAt,
    runningTasksCount: instance.runningTasksCount,
    attributes: new Map(Object.entries(instance.attributes)),
    taskGroups: [],
  };
}
