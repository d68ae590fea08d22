// What `moat signal` accepts from the operator, checked before anything is
// sent: the account number (E.164, not a secret), the verification code, and
// the two secrets, the captcha token and the registration-lock PIN, which come
// from standard input or a file, never from an argument (an argument is in
// every `ps` listing and in shell history), and are never printed.
import { readFileSync } from 'node:fs';

/** The name the phone shows for the linked device: 1-64 printable ASCII characters (a query parameter of /v1/qrcodelink/raw). */
export function isDeviceName(name: string): boolean {
  return /^[\x20-\x7e]{1,64}$/.test(name);
}

/** Signal's SMS/voice code: six digits, shown as `123-456` by Signal's apps; signal-cli takes the digits. */
export function normalizeCode(code: string): string | undefined {
  const digits = code.trim().replace(/^(\d{3})-(\d{3})$/, '$1$2');
  return /^\d{6}$/.test(digits) ? digits : undefined;
}

/**
 * A captcha token from https://signalcaptchas.org/registration/generate.html:
 * the `signalcaptcha://signal-hcaptcha.…` link target (signal-cli strips the
 * scheme itself). One line of printable ASCII, bounded: it goes into a JSON body.
 */
export function checkCaptcha(token: string): string | undefined {
  const t = token.trim();
  return t.length >= 10 && t.length <= 8192 && /^[\x21-\x7e]+$/.test(t) ? t : undefined;
}

/** Signal's registration-lock PIN: at least 4 characters (digits, or an alphanumeric PIN), one line. */
export function checkPin(pin: string): string | undefined {
  const p = pin.replace(/\r?\n$/, '');
  return p.length >= 4 && p.length <= 64 && /^[\x20-\x7e]+$/.test(p) ? p : undefined;
}

/** Reads all of a stream (standard input), bounded, as text. */
async function readAll(stream: NodeJS.ReadableStream, limit = 64 * 1024): Promise<string> {
  let text = '';
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (text.length > limit) throw new Error(`standard input is longer than ${limit} bytes`);
  }
  return text;
}

/** A secret's text from a file or, with `-`, standard input; the first line only. */
export async function readSecret(source: string, stdin: NodeJS.ReadableStream): Promise<string> {
  const text = source === '-' ? await readAll(stdin) : readFileSync(source, 'utf8');
  return text.split(/\r?\n/)[0] ?? '';
}
