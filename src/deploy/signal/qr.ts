// The link URI as a QR code a phone can scan off a terminal. Encoding is the
// `qrcode` package's (node-qrcode: ISO/IEC 18004, error correction level M
// here, enough for a screen); drawn with its `utf8` renderer, two modules per
// character cell (█ ▀ ▄ and space) with the standard 4-module quiet zone. That
// renderer draws dark modules in the foreground colour, so on a dark terminal
// the code would come out inverted: on a TTY each line is wrapped in ANSI
// black-on-white, which every scanner reads.
import QRCode from 'qrcode';

const DARK_ON_LIGHT = '\x1b[30;47m';
const RESET = '\x1b[0m';

export async function terminalQr(text: string, options: { readonly color: boolean }): Promise<string> {
  const drawn = await QRCode.toString(text, { type: 'utf8', errorCorrectionLevel: 'M', margin: 4 });
  const lines = drawn.split('\n');
  return `${(options.color ? lines.map((l) => `${DARK_ON_LIGHT}${l}${RESET}`) : lines).join('\n')}\n`;
}

/** The same code as an SVG image (the console shows it as a data: URL). */
export function svgQr(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}
