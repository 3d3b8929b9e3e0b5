import { afterEach, describe, expect, it, vi } from 'vitest';
import { functionContext, invocationTime } from '../../lambdas/context.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("the Lambdas' handler context", () => {
  it('fails at init, naming EVENT_BUS_NAME, when the stack did not set it', () => {
    vi.stubEnv('EVENT_BUS_NAME', undefined);
    expect(() => functionContext()).toThrow('Environment variable EVENT_BUS_NAME is not set');
  });

  it('keeps the real clock', () => {
    vi.stubEnv('EVENT_BUS_NAME', 'scheduler-results');
    const context = functionContext();
    context.ecs.destroy();
    const before = Date.now();
    const now = context.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it("reads the invocation's remaining time from its Lambda context, each time it is asked", () => {
    const left = [900_000, 899_250];
    const time = invocationTime({ getRemainingTimeInMillis: () => left.shift()! });
    expect([time.remainingTimeMs(), time.remainingTimeMs()]).toEqual([900_000, 899_250]);
  });
});
