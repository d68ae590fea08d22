// `moat signal link | register NUMBER | verify CODE | status`: the bot's
// Signal account in the platform's signal-api (signal-cli-rest-api), through
// its REST API at the service's static address (deploy/signal/client.ts).
// Exit codes: 0 done; 1 signal-api said no (a wrong code, a captcha needed,
// the bot's account missing); 2 bad arguments; 3 signal-api cannot be reached.
// The captcha token and the PIN are read from standard input (`--captcha`,
// `--pin`) or a file (`--captcha-file`, `--pin-file`), never from an
// argument, and are never printed.
import type { Command } from 'commander';
import { signalAccount } from '../../catalog/clawdbot-config.js';
import { platformServiceUrl } from '../../deploy/service-url.js';
import { type SignalApiClient, SignalApiError, SignalUnreachableError, signalApiClient } from '../../deploy/signal/client.js';
import { checkCaptcha, checkPin, isDeviceName, normalizeCode, readSecret } from '../../deploy/signal/inputs.js';
import { terminalQr } from '../../deploy/signal/qr.js';
import { ExitCode } from '../../model/findings.js';
import { isE164 } from '../../model/phone.js';
import type { Platform } from '../../model/types.js';
import { loadPlatform } from '../load-platform.js';

type Out = NodeJS.WritableStream & { isTTY?: boolean };
const SERVICE = 'signal-api';

export interface SignalIo {
  readonly stdout?: Out;
  readonly stderr?: Out;
  readonly stdin?: NodeJS.ReadableStream;
  /** Default: signal-api at its static address on the platform network. */
  readonly apiUrl?: string;
  /** How long `link` waits for the phone to confirm, and how often it looks (tests shorten both). */
  readonly linkWaitMs?: number;
  readonly pollMs?: number;
}

interface Streams {
  readonly stdout: Out;
  readonly stderr: Out;
  readonly stdin: NodeJS.ReadableStream;
}

const streams = (io: SignalIo): Streams => ({ stdout: io.stdout ?? process.stdout, stderr: io.stderr ?? process.stderr, stdin: io.stdin ?? process.stdin });

function clientFor(platform: Platform, io: SignalIo, stderr: Out): SignalApiClient | undefined {
  const base = io.apiUrl ?? platformServiceUrl(platform, SERVICE);
  if (base === undefined) {
    stderr.write(`moat: the platform has no ${SERVICE} service\n  next: enable ${SERVICE} in moat.yaml, or pass --api-url\n`);
    return undefined;
  }
  return signalApiClient(base);
}

/** Runs one action and turns the client's typed errors into exit codes and one located message. */
async function guarded(platform: Platform, io: SignalIo, action: (client: SignalApiClient, s: Streams) => Promise<number>): Promise<number> {
  const s = streams(io);
  const client = clientFor(platform, io, s.stderr);
  if (!client) return ExitCode.badInput;
  try {
    return await action(client, s);
  } catch (error) {
    if (error instanceof SignalUnreachableError) {
      s.stderr.write(`moat: ${error.message}\n  install: ${error.install}\n`);
      return ExitCode.missingEnvironment;
    }
    if (error instanceof SignalApiError) {
      s.stderr.write(`moat: signal-api: ${error.message}\n  next: ${nextStep(error.message)}\n`);
      return ExitCode.findings;
    }
    throw error;
  }
}

function nextStep(message: string): string {
  if (/captcha/i.test(message))
    return 'solve https://signalcaptchas.org/registration/generate.html, copy the signalcaptcha:// link, and run `moat signal register NUMBER --captcha` with it on standard input';
  if (/verif/i.test(message)) return 'check the code (it expires), or ask for a new one with `moat signal register NUMBER`';
  return '`moat signal status` shows what signal-api has; `moat logs signal-api` shows why';
}

const fail = (stderr: Out, message: string, next: string): number => {
  stderr.write(`moat: ${message}\n  next: ${next}\n`);
  return ExitCode.badInput;
};

export async function runSignalLink(platform: Platform, deviceName: string, wait: boolean, io: SignalIo = {}): Promise<number> {
  if (!isDeviceName(deviceName))
    return fail(
      streams(io).stderr,
      `device name ${JSON.stringify(deviceName.slice(0, 80))} is not 1-64 printable characters`,
      'pass --device-name with a short name such as moat',
    );
  return guarded(platform, io, async (client, { stdout, stderr }) => {
    const before = new Set(await client.accounts());
    const uri = await client.linkUri(deviceName);
    stdout.write(await terminalQr(uri, { color: stdout.isTTY === true }));
    stdout.write(`link URI: ${uri}\n`);
    stderr.write('Scan the code in Signal on your phone: Settings > Linked devices > Link new device (or open the URI on it).\n');
    if (!wait) return ExitCode.ok;
    const deadline = Date.now() + (io.linkWaitMs ?? 180_000);
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, io.pollMs ?? 2_000));
      const added = (await client.accounts()).filter((a) => !before.has(a));
      if (added.length > 0) {
        stdout.write(`linked: ${added.join(', ')}\n`);
        const configured = signalAccount(platform);
        if (configured === undefined || !added.includes(configured))
          stderr.write(
            `moat: the bot answers on Signal once moat.yaml names this account: services.clawdbot.env.SIGNAL_ACCOUNT: "${added[0]}", then \`moat up\`\n`,
          );
        return ExitCode.ok;
      }
    }
    stderr.write('moat: no new account appeared before the wait ended; the code expires after a while: run `moat signal link` again\n');
    return ExitCode.findings;
  });
}

export interface RegisterOptions {
  /** `-` for standard input, else a file. */
  readonly captchaFrom?: string;
  readonly voice?: boolean;
}

export async function runSignalRegister(platform: Platform, number: string, options: RegisterOptions, io: SignalIo = {}): Promise<number> {
  const { stderr, stdin } = streams(io);
  if (!isE164(number))
    return fail(
      stderr,
      `${JSON.stringify(number.slice(0, 40))} is not a phone number in E.164 form`,
      'write it with + and the country code, no spaces: +4915112345678',
    );
  let captcha: string | undefined;
  if (options.captchaFrom !== undefined) {
    captcha = checkCaptcha(await readSecret(options.captchaFrom, stdin));
    if (captcha === undefined)
      return fail(
        stderr,
        `the captcha token from ${options.captchaFrom === '-' ? 'standard input' : options.captchaFrom} is not one line of printable characters`,
        'copy the whole signalcaptcha://… link target of "Open Signal"',
      );
  }
  return guarded(platform, io, async (client, { stdout }) => {
    await client.register(number, { ...(captcha === undefined ? {} : { captcha }), ...(options.voice === true ? { useVoice: true } : {}) });
    stdout.write(
      `registration of ${number} started: Signal sends a code by ${options.voice === true ? 'voice call' : 'SMS'}\n  next: moat signal verify CODE${signalAccount(platform) === number ? '' : ` --number ${number}`}\n`,
    );
    return ExitCode.ok;
  });
}

export interface VerifyOptions {
  readonly number?: string;
  readonly pinFrom?: string;
}

export async function runSignalVerify(platform: Platform, code: string, options: VerifyOptions, io: SignalIo = {}): Promise<number> {
  const { stderr, stdin } = streams(io);
  const number = options.number ?? signalAccount(platform);
  if (number === undefined)
    return fail(
      stderr,
      'which number? moat.yaml names no Signal account',
      'pass --number +4915112345678, or set services.clawdbot.env.SIGNAL_ACCOUNT in moat.yaml',
    );
  if (!isE164(number))
    return fail(stderr, `${JSON.stringify(number.slice(0, 40))} is not a phone number in E.164 form`, 'write it with + and the country code, no spaces');
  const digits = normalizeCode(code);
  if (digits === undefined) return fail(stderr, 'the verification code is not six digits', 'type the code from the SMS or call, e.g. 123-456');
  let pin: string | undefined;
  if (options.pinFrom !== undefined) {
    pin = checkPin(await readSecret(options.pinFrom, stdin));
    if (pin === undefined)
      return fail(stderr, 'the PIN is not 4-64 printable characters on one line', 'give the Signal PIN of this number (registration lock) on standard input');
  }
  return guarded(platform, io, async (client, { stdout }) => {
    await client.verify(number, digits, pin);
    stdout.write(`verified: ${number}\n`);
    return ExitCode.ok;
  });
}

export async function runSignalStatus(platform: Platform, io: SignalIo = {}): Promise<number> {
  return guarded(platform, io, async (client, { stdout }) => {
    const healthy = await client.healthy();
    const about = await client.about();
    const accounts = await client.accounts();
    const configured = signalAccount(platform);
    const lines = [
      `signal-api: ${client.baseUrl} ${healthy ? 'healthy' : 'unhealthy'}`,
      `version: ${about.version ?? '?'} (build ${about.build ?? '?'}, API ${about.versions.join(', ') || '?'})`,
      `mode: ${about.mode ?? '?'}${about.mode === 'json-rpc' ? '' : " (the bot's channel receives over WebSocket only in json-rpc mode)"}`,
      `accounts: ${accounts.join(', ') || 'none (moat signal link, or register and verify)'}`,
      `bot account: ${configured === undefined ? 'none in moat.yaml (services.clawdbot.env.SIGNAL_ACCOUNT)' : `${configured}${accounts.includes(configured) ? '' : ' - not in signal-api: link or register it'}`}`,
    ];
    stdout.write(`${lines.join('\n')}\n`);
    const ok = healthy && about.mode === 'json-rpc' && (configured === undefined || accounts.includes(configured));
    return ok ? ExitCode.ok : ExitCode.findings;
  });
}

/** `moat signal ...`; main.ts calls it beside the other commands. */
export function registerSignal(program: Command): void {
  const load = async () => (await loadPlatform({ configPath: program.opts<{ config?: string }>().config, cwd: process.cwd() })).platform;
  const signal = program.command('signal').description("the bot's Signal account in the platform's signal-api: link, register, verify, status");
  const withUrl = (cmd: Command): Command =>
    cmd.option('--api-url <url>', 'signal-api as this host reaches it (default: its static address on the platform network)');
  const io = (opts: { apiUrl?: string }): SignalIo => (opts.apiUrl === undefined ? {} : { apiUrl: opts.apiUrl });
  withUrl(signal.command('link').description('link signal-api as a device of an existing Signal account: prints a QR code to scan'))
    .option('--device-name <name>', 'the name the phone shows for this device', 'moat')
    .option('--no-wait', 'print the code and return without waiting for the phone')
    .action(async (opts: { apiUrl?: string; deviceName: string; wait: boolean }) => {
      process.exitCode = await runSignalLink(await load(), opts.deviceName, opts.wait, io(opts));
    });
  withUrl(
    signal
      .command('register')
      .description('register a number of its own for the bot (Signal sends a code)')
      .argument('<number>', 'the number in E.164 form, e.g. +4915112345678'),
  )
    .option('--captcha', 'read the captcha token (signalcaptcha://…) from standard input')
    .option('--captcha-file <file>', 'read the captcha token from a file')
    .option('--voice', 'ask for a voice call instead of an SMS')
    .action(async (number: string, opts: { apiUrl?: string; captcha?: boolean; captchaFile?: string; voice?: boolean }) => {
      const captchaFrom = opts.captchaFile ?? (opts.captcha === true ? '-' : undefined);
      process.exitCode = await runSignalRegister(
        await load(),
        number,
        { ...(captchaFrom === undefined ? {} : { captchaFrom }), voice: opts.voice === true },
        io(opts),
      );
    });
  withUrl(signal.command('verify').description('finish a registration with the code Signal sent').argument('<code>', 'the six-digit code'))
    .option('--number <number>', 'the number being registered (default: services.clawdbot.env.SIGNAL_ACCOUNT of moat.yaml)')
    .option('--pin', "read the number's Signal PIN (registration lock) from standard input")
    .option('--pin-file <file>', 'read the PIN from a file')
    .action(async (code: string, opts: { apiUrl?: string; number?: string; pin?: boolean; pinFile?: string }) => {
      const pinFrom = opts.pinFile ?? (opts.pin === true ? '-' : undefined);
      process.exitCode = await runSignalVerify(
        await load(),
        code,
        { ...(opts.number === undefined ? {} : { number: opts.number }), ...(pinFrom === undefined ? {} : { pinFrom }) },
        io(opts),
      );
    });
  withUrl(signal.command('status').description("signal-api's health, version, mode and accounts, and whether the bot's account is among them")).action(
    async (opts: { apiUrl?: string }) => {
      process.exitCode = await runSignalStatus(await load(), io(opts));
    },
  );
}
