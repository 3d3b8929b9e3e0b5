import { z } from 'zod';
import { FARGATE_CAPACITY_PROVIDERS } from '../rules/cron/ecs-placed-copies.js';
import { matching, wholeNumber } from './fields.js';
import { mustBe } from './messages.js';
import { placementSchema } from './placement.js';

/** VPC resource ids: the old 8-hex-digit form or the 17-digit one. */
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** A capacity provider's name, as ECS allows it (FARGATE and FARGATE_SPOT included). */
const CAPACITY_PROVIDER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
/** Fargate platform versions: LATEST or a version such as 1.4.0. */
const PLATFORM_VERSION = /^(LATEST|[0-9]+\.[0-9]+\.[0-9]+)$/;


/** The most providers one RunTask strategy may name. */
export const MAX_STRATEGY_PROVIDERS = 6;

const strategyItemSchema = z.strictObject({
  capacityProvider: matching(CAPACITY_PROVIDER_NAME, 'a capacity provider name (1-255 letters, digits, - or _), such as FARGATE_SPOT'),
  /** Share of the tasks beyond the base, relative to the other providers' weights. Default 1. */
  weight: wholeNumber(0, 1000).optional(),
  /** Tasks this provider takes first, before weights apply; one provider at most has a base. Default 0. */
  base: wholeNumber(0, 100000).optional(),
});

const strategySchema = z
  .array(strategyItemSchema)
  .min(1, { error: 'must name at least one capacity provider' })
  .max(MAX_STRATEGY_PROVIDERS, { error: `may name at most ${MAX_STRATEGY_PROVIDERS} capacity providers (ECS's limit for one strategy)` })
  .superRefine((strategy, context) => {
    const fail = (message: string) => context.addIssue({ code: 'custom', message, input: strategy });
    if (strategy.filter((item) => (item.base ?? 0) > 0).length > 1) fail('at most one capacity provider may have a base');
    const names = strategy.map((item) => item.capacityProvider);
    if (new Set(names).size !== names.length) fail('names a capacity provider twice');
    const fargate = names.filter((name) => FARGATE_CAPACITY_PROVIDERS.includes(name)).length;
    if (fargate > 0 && fargate < names.length) fail('mixes FARGATE or FARGATE_SPOT with Auto Scaling group capacity providers, which ECS refuses');
    if (strategy.length > 0 && strategy.every((item) => (item.weight ?? 1) === 0)) fail('needs a capacity provider with a weight above 0');
  });

/**
 * Where a cron rule's copies run. `ec2` (the default): our placement engine picks container
 * instances and StartTask starts the copies there. `fargate` and `capacityProvider`: ECS places
 * them, through RunTask.
 */
export const launchSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ec2') }),
  z.strictObject({
    type: z.literal('fargate'),
    /** Default LATEST. */
    platformVersion: matching(PLATFORM_VERSION, 'LATEST or a platform version such as 1.4.0').optional(),
    /** 1-16 subnet ids; name subnets in several Availability Zones, since Fargate's capacity is per zone. */
    subnets: z
      .array(matching(SUBNET_ID, 'a subnet id such as subnet-0123456789abcdef0'), { error: (issue) => mustBe('a list of 1-16 subnet ids (awsvpc tasks need them)', issue.input) })
      .min(1, { error: 'must list at least one subnet id' })
      .max(16, { error: 'may list at most 16 subnets' }),
    /** Up to 5 security group ids. Default: the VPC's default security group. */
    securityGroups: z
      .array(matching(SECURITY_GROUP_ID, 'a security group id such as sg-0123456789abcdef0'))
      .max(5, { error: 'may list at most 5 security groups' })
      .optional(),
    /** A public IP for each task, for subnets without a NAT gateway. Default false. */
    assignPublicIp: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal('capacityProvider'),
    /** 1-6 providers of the cluster, at most one with a base; FARGATE/FARGATE_SPOT not mixed with Auto Scaling group providers. */
    strategy: strategySchema,
    /** RunTask's own placement constraints and strategies, for Auto Scaling group providers (ECS evaluates them). */
    placement: placementSchema.optional(),
    /** Needed when the strategy names FARGATE or FARGATE_SPOT (awsvpc tasks), as for `fargate`. */
    subnets: z.array(matching(SUBNET_ID, 'a subnet id such as subnet-0123456789abcdef0')).min(1).max(16).optional(),
    securityGroups: z.array(matching(SECURITY_GROUP_ID, 'a security group id such as sg-0123456789abcdef0')).max(5).optional(),
    assignPublicIp: z.boolean().optional(),
  }),
]);
