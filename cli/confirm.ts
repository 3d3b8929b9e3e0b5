import { createInterface } from 'node:readline';

export interface Terminal {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

/**
 * Asks a yes/no question on the terminal (the question on stderr); only "y" or "yes" is a yes.
 * Input that ends before an answer (Ctrl-D), and Ctrl-C, are a no.
 */
export function confirm(question: string, terminal: Terminal): Promise<boolean> {
  const prompt = createInterface({ input: terminal.stdin, output: terminal.stderr });
  return new Promise((answer) => {
    let answered = false;
    prompt.on('close', () => {
      if (answered) return;
      terminal.stderr.write('\n');
      answer(false);
    });
    // Ctrl-C at the prompt cancels, like any answer but yes (readline would otherwise only pause).
    prompt.on('SIGINT', () => prompt.close());
    prompt.question(`${question} [y/N] `, (text) => {
      answered = true;
      answer(/^y(es)?$/i.test(text.trim()));
      prompt.close();
    });
  });
}
