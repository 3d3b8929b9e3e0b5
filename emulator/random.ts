/**
 * Seedable pseudo-random numbers (mulberry32). Every random choice the emulator makes draws from
 * one of these, so a run started with the same seed makes the same choices.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, bound). */
  below(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Random.pick needs at least one item');
    return items[this.below(items.length)] as T;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.below(0x10000).toString(16).padStart(4, '0');
    return out.slice(0, length);
  }

  /** An RFC 4122 version-4 shaped UUID. */
  uuid(): string {
    const h = this.hex(32);
    const variant = (8 + this.below(4)).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /**
   * An independent stream for one purpose. Separate streams keep, say, injected errors from
   * shifting the task ids a test sees when it turns the error rate on.
   */
  fork(purpose: string): Random {
    let hash = 0x811c9dc5;
    for (const char of purpose) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    return new Random(this.state ^ hash);
  }
}
