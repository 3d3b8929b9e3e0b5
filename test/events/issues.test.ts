import { describe, expect, it } from 'vitest';
import { preview } from '../../shared/events/issues.js';

describe('preview of an unreadable message', () => {
  it('keeps a short body whole and cuts a long one at 200 characters, marking the cut', () => {
    expect(preview('x'.repeat(200))).toBe('x'.repeat(200));
    expect(preview(`${'y'.repeat(200)}tail`)).toBe(`${'y'.repeat(200)}…`);
  });
});
