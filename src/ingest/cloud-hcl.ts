// A small HCL (Terraform native syntax) reader for what the security-group
// proof needs: blocks with labels, attributes, and values that are literals
// (strings, numbers, bools, lists, objects) or expressions kept as their source
// text (`var.admin_cidr`, `aws_security_group.host.id`, function calls,
// conditionals, `for`). Hand-written because no parser in node_modules gives
// positions: @cdktf/hcl2json (a dev dependency, WASM, async) returns JSON
// without lines, and every fact the proof reports needs its file:line.
// Syntax from the HCL native syntax specification (hashicorp/hcl, v2,
// hclsyntax/spec.md); tokens in cloud-hcl-lexer.ts. Errors stop the reader;
// what came before is kept.
import { HclError, type Tok, type TokKind, tokenize } from './cloud-hcl-lexer.js';
import { type LEntry, type LNode, MAX_DEPTH } from './cloud-tree.js';

export interface HclAttribute {
  readonly kind: 'attribute';
  readonly name: string;
  readonly line: number;
  readonly value: LNode;
}

export interface HclBlockNode {
  readonly kind: 'block';
  readonly type: string;
  readonly labels: readonly string[];
  readonly line: number;
  readonly body: HclItem[];
}

export type HclItem = HclAttribute | HclBlockNode;

export interface HclParsed {
  readonly body: readonly HclItem[];
  readonly error?: { readonly line: number; readonly message: string };
}

class Parser {
  private at = 0;
  constructor(
    private readonly src: string,
    private readonly toks: readonly Tok[],
  ) {}

  private get tok(): Tok {
    return this.toks[Math.min(this.at, this.toks.length - 1)] as Tok;
  }
  private peek(n = 1): Tok {
    return this.toks[Math.min(this.at + n, this.toks.length - 1)] as Tok;
  }
  /** Not narrowed by TypeScript across calls that move the cursor. */
  private kind(): TokKind {
    return this.tok.kind;
  }
  private is(text: string): boolean {
    return this.tok.kind === 'punct' && this.tok.text === text;
  }
  private skipNl(): void {
    while (this.tok.kind === 'nl') this.at++;
  }
  private expect(text: string): void {
    if (!this.is(text))
      throw new HclError(this.tok.line, `expected ${text}, found ${this.tok.kind === 'eof' ? 'the end of the file' : JSON.stringify(this.tok.text)}`);
    this.at++;
  }

  body(into: HclItem[], closing: '}' | 'eof', depth: number): void {
    if (depth > MAX_DEPTH) throw new HclError(this.tok.line, 'blocks nested too deep');
    for (;;) {
      this.skipNl();
      if (closing === 'eof' ? this.tok.kind === 'eof' : this.is('}')) return;
      if (this.tok.kind === 'eof') throw new HclError(this.tok.line, 'a block is not closed (missing })');
      if (this.tok.kind !== 'ident') throw new HclError(this.tok.line, `expected an attribute or block name, found ${JSON.stringify(this.tok.text)}`);
      const name = this.tok;
      this.at++;
      if (this.is('=')) {
        this.at++;
        into.push({ kind: 'attribute', name: name.text, line: name.line, value: this.expr(['nl', '}'], depth + 1) });
      } else {
        const labels: string[] = [];
        while (this.kind() === 'string' || this.kind() === 'ident') {
          labels.push(this.tok.kind === 'ident' ? this.tok.text : (this.tok.value ?? this.tok.text));
          this.at++;
        }
        this.expect('{');
        const block: HclBlockNode = { kind: 'block', type: name.text, labels, line: name.line, body: [] };
        into.push(block);
        this.body(block.body, '}', depth + 1);
        this.expect('}');
      }
      if (!(this.kind() === 'nl' || this.kind() === 'eof' || this.is('}')))
        throw new HclError(this.tok.line, `expected a new line, found ${JSON.stringify(this.tok.text)}`);
    }
  }

  private atEnd(terminators: readonly string[]): boolean {
    const t = this.tok;
    return t.kind === 'eof' || (t.kind === 'nl' ? terminators.includes('nl') : t.kind === 'punct' && terminators.includes(t.text));
  }

  /** Skips to a terminator at bracket depth 0; returns the source text from `start`. */
  private rest(start: number, terminators: readonly string[]): string {
    let depth = 0;
    let end = start;
    for (;;) {
      const t = this.tok;
      if (t.kind === 'eof') break;
      if (depth === 0 && this.atEnd(terminators)) break;
      if (t.kind === 'punct' && '([{'.includes(t.text)) depth++;
      if (t.kind === 'punct' && ')]}'.includes(t.text)) {
        if (depth === 0) break;
        depth--;
      }
      end = t.end;
      this.at++;
    }
    return this.src.slice(start, end).trim();
  }

  expr(terminators: readonly string[], depth: number): LNode {
    if (depth > MAX_DEPTH) throw new HclError(this.tok.line, 'expression nested too deep');
    const first = this.tok;
    const value = this.primary(depth);
    if (this.atEnd(terminators)) return value;
    // An operator, conditional or index after the first term: keep the whole expression as text.
    const text = `${this.src.slice(first.start, this.toks[this.at - 1]?.end ?? first.end)} ${this.rest(this.tok.start, terminators)}`.trim();
    return { kind: 'other', line: first.line, text };
  }

  private primary(depth: number): LNode {
    const t = this.tok;
    const line = t.line;
    if (t.kind === 'string') {
      this.at++;
      return t.value === undefined ? { kind: 'other', line, text: t.text } : { kind: 'scalar', line, value: t.value };
    }
    if (t.kind === 'number') {
      this.at++;
      return { kind: 'scalar', line, value: Number(t.text) };
    }
    if (t.kind === 'punct' && t.text === '-' && this.peek().kind === 'number') {
      this.at += 2;
      return { kind: 'scalar', line, value: -Number(this.peek(-1).text) };
    }
    if (t.kind === 'ident') {
      if (t.text === 'true' || t.text === 'false') {
        this.at++;
        return { kind: 'scalar', line, value: t.text === 'true' };
      }
      if (t.text === 'null') {
        this.at++;
        return { kind: 'scalar', line, value: null };
      }
      // A traversal (var.x, a.b[0].c, a.*.id) or a function call: kept as source text.
      this.at++;
      for (;;) {
        if (this.is('.') && ['ident', 'number'].includes(this.peek().kind)) this.at += 2;
        else if (this.is('.') && this.peek().text === '*') this.at += 2;
        else if (this.is('[') || this.is('(')) {
          const close = this.tok.text === '[' ? ']' : ')';
          this.at++;
          this.rest(this.tok.start, [close]);
          this.expect(close);
        } else break;
      }
      return { kind: 'other', line, text: this.src.slice(t.start, this.peek(-1).end) };
    }
    if (this.is('[')) return this.list(depth);
    if (this.is('{')) return this.object(depth);
    if (this.is('(')) {
      this.at++;
      this.rest(this.tok.start, [')']);
      this.expect(')');
      return { kind: 'other', line, text: this.src.slice(t.start, this.peek(-1).end) };
    }
    throw new HclError(line, t.kind === 'eof' ? 'a value is missing at the end of the file' : `unexpected ${JSON.stringify(t.text)}`);
  }

  private list(depth: number): LNode {
    const open = this.tok;
    this.at++;
    this.skipNl();
    if (this.tok.kind === 'ident' && this.tok.text === 'for') {
      this.rest(this.tok.start, [']']);
      this.expect(']');
      return { kind: 'other', line: open.line, text: this.src.slice(open.start, this.peek(-1).end) };
    }
    const items: LNode[] = [];
    for (;;) {
      this.skipNl();
      if (this.is(']')) break;
      items.push(this.expr([',', ']', 'nl'], depth + 1));
      this.skipNl();
      if (this.is(',')) this.at++;
      else if (!this.is(']')) throw new HclError(this.tok.line, `expected , or ] in a list, found ${JSON.stringify(this.tok.text)}`);
    }
    this.expect(']');
    return { kind: 'array', line: open.line, items };
  }

  private object(depth: number): LNode {
    const open = this.tok;
    this.at++;
    this.skipNl();
    if (this.tok.kind === 'ident' && this.tok.text === 'for') {
      this.rest(this.tok.start, ['}']);
      this.expect('}');
      return { kind: 'other', line: open.line, text: this.src.slice(open.start, this.peek(-1).end) };
    }
    const entries: LEntry[] = [];
    for (;;) {
      this.skipNl();
      if (this.is('}')) break;
      const k = this.tok;
      let key: string;
      if (k.kind === 'ident') key = k.text;
      else if (k.kind === 'string' && k.value !== undefined) key = k.value;
      else throw new HclError(k.line, `an object key moat cannot read: ${JSON.stringify(k.text)}`);
      this.at++;
      if (!this.is('=') && !this.is(':')) throw new HclError(this.tok.line, `expected = after ${key}`);
      this.at++;
      entries.push({ key, line: k.line, value: this.expr([',', '}', 'nl'], depth + 1) });
      if (this.is(',')) this.at++;
      else if (!this.is('}') && this.tok.kind !== 'nl')
        throw new HclError(this.tok.line, `expected , or } in an object, found ${JSON.stringify(this.tok.text)}`);
    }
    this.expect('}');
    return { kind: 'object', line: open.line, entries };
  }
}

export function parseHcl(src: string): HclParsed {
  const body: HclItem[] = [];
  try {
    new Parser(src, tokenize(src)).body(body, 'eof', 0);
    return { body };
  } catch (error) {
    if (error instanceof HclError) return { body, error: { line: error.line, message: error.message } };
    return { body, error: { line: 1, message: error instanceof Error ? error.message : String(error) } };
  }
}

/** A block's attributes as an object node, for the shared readers (field, text). */
export function attributes(body: readonly HclItem[], line: number): LNode {
  return {
    kind: 'object',
    line,
    entries: body.filter((i): i is HclAttribute => i.kind === 'attribute').map((a) => ({ key: a.name, line: a.line, value: a.value })),
  };
}
