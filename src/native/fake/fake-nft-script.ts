/**
 * Reads nft scripts into statements for the fake (fake-nft-ruleset.ts): the grammar nlbkit writes
 * (`table ... { map/chain/flowtable blocks }`, `add/delete table|map|chain|rule|element`, `flush
 * ruleset`), tokenized with the line each statement starts on. Anything else is a syntax error, as in nft.
 */
import { FakeNftError } from './fake-nft-errors.js';

/** One token and the script line it is on. */
export interface Token {
  text: string;
  line: number;
}

const TOKEN = /"(?:[^"\\\n]|\\.)*"|[{};,]|[^\s{};,"]+|"/g;

/** Splits a script into tokens; a newline becomes the token `\n` (it ends a statement). */
export function tokenize(script: string): Token[] {
  const out: Token[] = [];
  script.split('\n').forEach((text, i) => {
    for (const m of text.replace(/#.*$/, '').matchAll(TOKEN)) {
      if (m[0] === '"') throw new FakeNftError('unterminated string', i + 1);
      out.push({ text: m[0], line: i + 1 });
    }
    out.push({ text: '\n', line: i + 1 });
  });
  return out;
}

/** A cursor over tokens with the small helpers a recursive-descent reader needs. */
export class Cursor {
  #i = 0;
  constructor(readonly tokens: Token[]) {}

  get done(): boolean {
    return this.#i >= this.tokens.length;
  }

  /** The line of the current token (or of the last one at the end). */
  get line(): number {
    return (this.tokens[this.#i] ?? this.tokens[this.tokens.length - 1])?.line ?? 1;
  }

  peek(): string | undefined {
    return this.tokens[this.#i]?.text;
  }

  next(what = 'a token'): string {
    const t = this.tokens[this.#i];
    if (!t) throw new FakeNftError(`syntax error, unexpected end of input, expecting ${what}`, this.line);
    this.#i++;
    return t.text;
  }

  /** Consumes `text` or throws a syntax error naming it. */
  expect(text: string): void {
    const got = this.next(`'${text}'`);
    if (got !== text) this.fail(`syntax error, unexpected '${got}', expecting '${text}'`);
  }

  /** Consumes `text` if it is next. */
  accept(text: string): boolean {
    if (this.peek() !== text) return false;
    this.#i++;
    return true;
  }

  /** Skips newlines and semicolons (statement separators). */
  skipSeparators(): void {
    while (this.peek() === '\n' || this.peek() === ';') this.#i++;
  }

  /** A name: letters, digits, `_`, `-`, `.`, `/` (as nft identifiers; quoted strings are unquoted). */
  name(what: string): string {
    const t = this.next(what);
    const unquoted = t.startsWith('"') ? t.slice(1, -1) : t;
    if (!/^[A-Za-z_][A-Za-z0-9_.\-/]*$/.test(unquoted))
      this.fail(`syntax error, unexpected '${t}', expecting ${what}`);
    return unquoted;
  }

  /** Tokens up to (not including) the end of the statement: a newline or `;` at brace depth 0, or a closing `}`. */
  rest(): string[] {
    const out: string[] = [];
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t === undefined) break;
      if (depth === 0 && (t === '\n' || t === ';' || t === '}')) break;
      if (t === '{') depth++;
      if (t === '}') depth--;
      this.#i++;
      if (t !== '\n') out.push(t);
    }
    return out;
  }

  /** The items of `{ a, b, ... }` (newlines ignored), each as its tokens. */
  list(): string[][] {
    this.expect('{');
    const items: string[][] = [];
    let item: string[] = [];
    for (;;) {
      const t = this.next("'}'");
      if (t === '\n') continue;
      if (t === '}' || t === ',') {
        if (item.length > 0) items.push(item);
        else if (t === ',') this.fail("syntax error, unexpected ','");
        item = [];
        if (t === '}') return items;
        continue;
      }
      if (t === '{' || t === ';') this.fail(`syntax error, unexpected '${t}'`);
      item.push(t);
    }
  }

  fail(message: string): never {
    throw new FakeNftError(message, this.line);
  }
}

/** Joins tokens as nft prints them: `a . b`, `{ tcp, udp }`. */
export function joinTokens(tokens: readonly string[]): string {
  return tokens.join(' ').replace(/ ,/g, ',');
}
