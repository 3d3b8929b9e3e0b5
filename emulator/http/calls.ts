/** Calls that reached the emulator, per operation, throttled and failed ones included. */
export interface CallCounter {
  count(operation: string): number;
  total(): number;
  byOperation(): Record<string, number>;
  reset(): void;
}

export class CallLog implements CallCounter {
  private counts = new Map<string, number>();

  record(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  count(operation: string): number {
    return this.counts.get(operation) ?? 0;
  }

  total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  byOperation(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  reset(): void {
    this.counts.clear();
  }
}
