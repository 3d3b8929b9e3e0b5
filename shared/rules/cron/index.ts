export { DEFAULT_STARTING_DEADLINE_SECONDS, startingDeadline } from './deadline.js';
export { planOverdueStops } from './overdue.js';
export { planSlot, type SkipReason, type SlotInput, type SlotOutcome } from './plan-slot.js';
export * from './rule.js';
export { runNowSlot } from './run-now.js';
export { cronScope } from './scope.js';
export { slotTerms, type Retry, type SlotTerms } from './slot-terms.js';
