// Debian's Chromium for the browser tests, started the way this machine needs
// (design.md): headless as root without the sandbox, no GPU, no QUIC, and none
// of the background connections a closed network refuses. Never a downloaded browser.
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
