// Reading a secret from standard input: all of it when it is a pipe or a
// file (`< key.txt`), one line typed at a prompt that echoes nothing when it
// is a terminal. Written by hand because readline has no hidden mode: the
// terminal is put in raw mode and each key press is handled here.
import { UserInputError } from '../model/findings.js';

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/** Larger than any API key by far; more is not a key. */
const MAX_BYTES = 64 * 1024;

export async function readSecretInput(input: Input, prompt: NodeJS.WritableStream, question: string): Promise<string> {
  if (input.isTTY === true && typeof input.setRawMode === 'function') return readHidden(input, prompt, question);
  let text = '';
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (text.length > MAX_BYTES) break;
  }
  return text;
}

function readHidden(input: Input, prompt: NodeJS.WritableStream, question: string): Promise<string> {
  prompt.write(question);
  input.setRawMode?.(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error?: Error): void => {
      input.setRawMode?.(false);
      input.pause();
      input.removeListener('data', onData);
      prompt.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003')
          return done(
            new UserInputError([
              { code: 'cli.bad-key', severity: 'high', path: 'standard input', message: 'interrupted: no key was read', hint: 'run the command again' },
            ]),
          );
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    input.on('data', onData);
  });
}
