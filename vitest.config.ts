import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Emulator-backed tests bind real sockets; a generous timeout absorbs a loaded 2-core CI box
    // without asserting anything about speed (timing goals live in `npm run bench`).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
