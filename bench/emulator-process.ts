import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface EmulatorProcess {
  endpoint: string;
  stop(): Promise<void>;
}

const SERVE = fileURLToPath(new URL('../emulator/serve.ts', import.meta.url));

/** Starts the emulator in a child process with the given serve.ts flags and waits until it listens. */
export async function spawnEmulator(flags: string[]): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVE, ...flags], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`The emulator exited (code ${code}) before it was ready`)));
  });
  const { endpoint } = JSON.parse(firstLine) as { endpoint: string };
  return {
    endpoint,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}
