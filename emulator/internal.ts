import type { Store } from './state/store.js';

// The seeder writes straight into an emulator's state. This keeps that door closed to everyone
// else: the Emulator interface exposes no state, and only emulators this package started are here.
const stores = new WeakMap<object, Store>();

export function attachStore(emulator: object, store: Store): void {
  stores.set(emulator, store);
}

export function storeOf(emulator: object): Store {
  const store = stores.get(emulator);
  if (!store) throw new Error('Not an emulator returned by startEmulator()');
  return store;
}
