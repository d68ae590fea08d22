// The tokenizer of moat's HCL reader (cloud-hcl.ts): identifiers, numbers,
// quoted strings and heredocs (decoded when they hold no template), single and
// multi-character punctuation, newlines (HCL's statement separator) and a
// 1-based line on every token. Rules from the HCL native syntax specification
// (hashicorp/hcl v2, hclsyntax/spec.md): comments `#`, `//`, `/* */`; escapes
// \n \r \t \" \\ \uNNNN \UNNNNNNNN; `$${` and `%%{` are literal `${`, `%{`;
// a quoted string does not span lines; `<<-EOT` heredocs strip the common indent.

export type TokKind = 'ident' | 'number' | 'string' | 'punct' | 'nl' | 'eof';
export interface Tok {
  readonly kind: TokKind;
  readonly text: string;
  readonly line: number;
  readonly start: number;
  readonly end: number;
  /** Strings and heredocs: the decoded value, when the template has no interpolation. */
  readonly value?: string;
}

export class HclError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const OPS = ['...', '==', '!=', '<=', '>=', '&&', '||', '=>'];
const SINGLE = '{}[]()=,.:?!+-*/%<>';

function decodeEscapes(raw: string, line: number): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] ?? '';
    if (ch === '\\') {
      const n = raw[i + 1] ?? '';
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
      if (simple[n] !== undefined) {
        out += simple[n];
        i++;
      } else if (n === 'u' || n === 'U') {
        const len = n === 'u' ? 4 : 8;
        const hex = raw.slice(i + 2, i + 2 + len);
        const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === len ? Number.parseInt(hex, 16) : Number.NaN;
        if (Number.isNaN(code) || code > 0x10ffff) throw new HclError(line, `bad escape \\${n}${hex}`);
        out += String.fromCodePoint(code);
        i += 1 + len;
      } else {
        throw new HclError(line, `unknown escape \\${n}`);
      }
    } else if ((ch === '$' || ch === '%') && raw[i + 1] === ch && raw[i + 2] === '{') {
      out += `${ch}{`;
      i += 2;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Whether a template has an interpolation or directive (`${`/`%{` not escaped as `$${`/`%%{`). */
function hasTemplate(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if ((ch === '$' || ch === '%') && raw[i + 1] === ch && raw[i + 2] === '{') i += 2;
    else if ((ch === '$' || ch === '%') && raw[i + 1] === '{') return true;
  }
  return false;
}

export function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  const push = (kind: TokKind, start: number, extra: { value?: string } = {}, startLine = line): void => {
    toks.push({ kind, text: src.slice(start, i), line: startLine, start, end: i, ...extra });
  };
  while (i < src.length) {
    const ch = src[i] ?? '';
    const start = i;
    if (ch === '\n') {
      i++;
      push('nl', start);
      line++;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
    } else if (ch === '#' || (ch === '/' && src[i + 1] === '/')) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (ch === '/' && src[i + 1] === '*') {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) throw new HclError(line, 'unterminated /* comment');
      for (let j = i; j < close; j++) if (src[j] === '\n') line++;
      i = close + 2;
    } else if (ch === '"') {
      const startLine = line;
      i++;
      let depth = 0;
      while (i < src.length) {
        const c = src[i];
        if (c === '\n' && depth === 0) throw new HclError(line, 'a quoted string may not span lines (use a heredoc)');
        if (c === '\n') line++;
        if (c === '\\') i += 2;
        else if (depth === 0 && c === '"') break;
        else if ((c === '$' || c === '%') && src[i + 1] === c && src[i + 2] === '{') i += 3;
        else if ((c === '$' || c === '%') && src[i + 1] === '{') {
          depth++;
          i += 2;
        } else if (depth > 0 && c === '{') {
          depth++;
          i++;
        } else if (depth > 0 && c === '}') {
          depth--;
          i++;
        } else i++;
      }
      if (i >= src.length) throw new HclError(startLine, 'unterminated string');
      i++;
      const raw = src.slice(start + 1, i - 1);
      push('string', start, hasTemplate(raw) ? {} : { value: decodeEscapes(raw, startLine) }, startLine);
    } else if (ch === '<' && src[i + 1] === '<' && /^<<-?[A-Za-z_][A-Za-z0-9_-]*\r?\n/.test(src.slice(i, i + 80))) {
      const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(src.slice(i, i + 80));
      const indent = m?.[1] === '-';
      const delimiter = m?.[2] ?? '';
      const startLine = line;
      i += m?.[0].length ?? 0;
      line++;
      const lines: string[] = [];
      let closed = false;
      while (i < src.length) {
        const nl = src.indexOf('\n', i);
        const end = nl < 0 ? src.length : nl;
        const text = src.slice(i, end).replace(/\r$/, '');
        i = nl < 0 ? src.length : nl;
        if (text.trim() === delimiter) {
          closed = true;
          break;
        }
        lines.push(text);
        if (nl >= 0) {
          i++;
          line++;
        }
      }
      if (!closed) throw new HclError(startLine, `heredoc <<${delimiter} is not closed`);
      let body = lines;
      if (indent) {
        const widths = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
        const cut = widths.length === 0 ? 0 : Math.min(...widths);
        body = lines.map((l) => l.slice(cut));
      }
      const raw = body.map((l) => `${l}\n`).join('');
      push('string', start, hasTemplate(raw) ? {} : { value: raw.replaceAll('$${', '${').replaceAll('%%{', '%{') }, startLine);
    } else if (/[0-9]/.test(ch)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i, i + 400));
      i += m?.[0].length ?? 1;
      push('number', start);
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i, i + 400));
      i += m?.[0].length ?? 1;
      push('ident', start);
    } else {
      const op = OPS.find((o) => src.startsWith(o, i));
      if (op !== undefined) i += op.length;
      else if (SINGLE.includes(ch)) i++;
      else throw new HclError(line, `unexpected character ${JSON.stringify(ch)}`);
      push('punct', start);
    }
  }
  toks.push({ kind: 'eof', text: '', line, start: src.length, end: src.length });
  return toks;
}
