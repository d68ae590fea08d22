// The analyzer and the proof at platform scale: the indexes that replaced
// scans (duplicate listeners, source-map lookups) give what the scans gave,
// and a 2,000-service platform is analyzed whole (every user service in the
// matrix, every routed one behind the gateway). Checked once by hand: the
// matrix, findings, state and rendered files of bench/scale-platform.ts at
// 2,000 services hashed identical before and after the indexes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { scalePlatform } from '../../bench/scale-platform.js';
import { familyOf } from '../../src/analyze/cidr-set.js';
import { duplicateListeners } from '../../src/analyze/rules/listeners.js';
import type { ExposureState, Listener } from '../../src/analyze/state.js';
import { canonicalAddress, isWildcardAddress } from '../../src/model/net.js';
import { proveBundle } from '../../src/proof/bundle.js';
import { yamlSourceMap } from '../../src/render/yaml-out.js';

/** The rule as it was written before the index: every earlier listener, scanned. */
function naiveDuplicates(listeners: readonly Listener[]): string[] {
  const clash = (a: Listener, b: Listener): boolean => {
    if (a.kind !== b.kind || a.protocol !== b.protocol || a.port !== b.port) return false;
    const x = canonicalAddress(a.address);
    const y = canonicalAddress(b.address);
    if (x === '' || y === '') return false;
    return familyOf(x) === familyOf(y) && (x === y || isWildcardAddress(x) || isWildcardAddress(y));
  };
  return listeners.flatMap((l, i) => {
    const earlier = listeners.slice(0, i).find((o) => clash(o, l) && o.owner !== l.owner);
    return earlier ? [`${earlier.owner}>${l.owner}@${l.address}:${l.port}`] : [];
  });
}

const listener = fc.record({
  kind: fc.constantFrom('host' as const, 'container' as const),
  owner: fc.constantFrom('a', 'b', 'c'),
  address: fc.constantFrom('0.0.0.0', '::', '10.0.0.1', '10.0.0.2', '::1', '[::1]', ''),
  port: fc.constantFrom(80, 443),
  protocol: fc.constantFrom('tcp' as const, 'udp' as const),
  origin: fc.constant({ file: 'x', line: 1 }),
});

describe('analyzer at scale', () => {
  it('finds the same duplicate listeners as a scan of every earlier listener (property)', () => {
    fc.assert(
      fc.property(fc.array(listener, { maxLength: 40 }), (listeners) => {
        const state = {
          sockets: { present: true, listeners },
          publishing: { present: true, bindings: [] },
          gateway: { present: false, servers: [] },
        } as unknown as ExposureState;
        const found = duplicateListeners.check({ state, matrix: [], policy: { allow: [], platformOnly: [] } as never });
        const got = found.map((f) => {
          const m = /^(\S+) \(.*\) and (\S+) both listen on (.*)\/(tcp|udp)$/.exec(f.message);
          return m ? `${m[1]}>${m[2]}@${m[3]}` : f.message;
        });
        expect(got).toEqual(naiveDuplicates(listeners));
      }),
      { numRuns: 500 },
    );
  });

  it('maps YAML key paths to the lines doc.getIn finds', () => {
    const text = 'a:\n  b:\n    - x\n    - y\n  c: 1\nb: {d: 2}\n"a": dup\n';
    const paths: [(string | number)[], string][] = [
      [['a'], 'A'],
      [['a', 'b', 1], 'AB1'],
      [['a', 'c'], 'AC'],
      [['b', 'd'], 'BD'],
      [['z'], 'Z'],
      [['a', 'b', 5], 'none'],
    ];
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, version: '1.1', uniqueKeys: false });
    const expected = paths.flatMap(([path, model]) => {
      const offset = (doc.getIn(path, true) as { range?: number[] } | undefined)?.range?.[0];
      return offset === undefined ? [] : [{ line: lines.linePos(offset).line, path: model }];
    });
    expect(yamlSourceMap(text, paths)).toEqual(expected);
  });

  it('proves a 2,000-service platform: every user service in the matrix, every routed one behind the gateway', () => {
    const proof = proveBundle(scalePlatform(2000));
    const onPlatform = new Set(proof.matrix.filter((r) => r.zone === 'platform' && r.verdict === 'open').map((r) => r.service));
    const viaGateway = new Set(proof.matrix.filter((r) => r.via === 'gateway' && r.zone === 'tailnet').map((r) => r.service));
    for (let i = 0; i < 2000; i++) {
      expect(onPlatform.has(`svc-${i}`)).toBe(true);
      expect(viaGateway.has(`svc-${i}`)).toBe(i % 10 === 0);
    }
    // Nothing of the platform reaches the internet.
    expect(proof.matrix.filter((r) => r.zone === 'internet' && r.verdict === 'open' && r.service?.startsWith('svc-'))).toEqual([]);
  }, 120_000);
});
