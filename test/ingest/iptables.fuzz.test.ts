// The iptables ingester never throws, whatever it is given: random text, random
// rule lines, and real dumps with random edits. Every problem is located and
// the chains it returns can be evaluated.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { iptablesIngester } from '../../src/ingest/iptables.js';
import { checkContract, mutated } from './corpus/firewall/fuzz-support.js';

const corpus = (name: string) => readFileSync(new URL(`corpus/firewall/${name}`, import.meta.url), 'utf8');
const REAL = ['iptables-nft-save.txt', 'iptables-docker-unfiltered.txt'].map(corpus);

describe('iptables ingester (fuzz)', () => {
  it('survives random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (t) => checkContract(iptablesIngester, t)),
      { numRuns: 300 },
    );
  });

  it('survives random rule lines', () => {
    const word = fc.oneof(
      fc.constantFrom(
        '-p',
        'tcp',
        'udp',
        'icmp',
        '!',
        '-s',
        '-d',
        '10.0.0.0/8',
        '::/0',
        'fe80::1',
        '-i',
        '-o',
        'eth+',
        '--dport',
        '--dports',
        '22',
        '1:2',
        ':',
        '-m',
        'conntrack',
        '--ctstate',
        'NEW,DNAT',
        '--ctorigdst',
        '--ctorigdstport',
        '-j',
        '-g',
        'ACCEPT',
        'DROP',
        'RETURN',
        'X',
        'LOG',
        '--comment',
        '"a b"',
        "'c'",
        '\\',
        '"',
      ),
      fc.string({ maxLength: 6 }),
    );
    const line = fc
      .tuple(
        fc.constantFrom(
          '-A X',
          '-A INPUT',
          '-I FORWARD',
          '-I INPUT 3',
          ':X -',
          ':INPUT DROP',
          '-N Y',
          '-P FORWARD',
          '-D INPUT',
          '*filter',
          'COMMIT',
          '# ip6tables-save',
        ),
        fc.array(word, { maxLength: 8 }),
      )
      .map(([a, b]) => `${a} ${b.join(' ')}`);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 10 }), (lines) => checkContract(iptablesIngester, ['*filter', ':X - [0:0]', ...lines, 'COMMIT', ''].join('\n'))),
      { numRuns: 400 },
    );
  });

  it('survives real dumps with random edits', () => {
    fc.assert(
      fc.property(fc.constantFrom(...REAL).chain(mutated), (t) => checkContract(iptablesIngester, t)),
      { numRuns: 300 },
    );
  });
});
