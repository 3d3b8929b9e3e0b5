import { ExpressionSyntaxError } from './errors.js';
import type { SymbolText, Token } from './tokens.js';

/**
 * Characters that end a bare word. Everything else may appear in one, because values are loose:
 * attribute values hold '@', '/', '\' and ':', dates hold '+', and regular expressions hold '*',
 * '^', '$', '?' and '{}'. A value that needs any of these characters must be quoted.
 */
const WORD_BREAKS = new Set(['(', ')', '[', ']', ',', "'", '"', '!', '=', '<', '>', '&', '|', '~']);

/** Words that follow '!' to form a negated operator (`!in`, `!exists`) rather than a `not`. */
const NEGATED_WORDS = ['in', 'exists'] as const;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < source.length) {
    const char = source.charAt(position);
    if (/\s/.test(char)) {
      position += 1;
    } else if (char === "'" || char === '"') {
      const close = source.indexOf(char, position + 1);
      if (close === -1) {
        throw new ExpressionSyntaxError(
          source,
          source.length,
          `a closing ${char} for the value quoted at position ${position}`,
          'end of expression',
        );
      }
      tokens.push({ kind: 'quoted', text: source.slice(position + 1, close), start: position, end: close + 1 });
      position = close + 1;
    } else if (WORD_BREAKS.has(char)) {
      const text = readSymbol(source, position);
      tokens.push({ kind: 'symbol', text, start: position, end: position + text.length });
      position += text.length;
    } else {
      let end = position;
      while (end < source.length && isWordChar(source.charAt(end))) end += 1;
      tokens.push({ kind: 'word', text: source.slice(position, end), start: position, end });
      position = end;
    }
  }
  tokens.push({ kind: 'end', start: source.length, end: source.length });
  return tokens;
}

function isWordChar(char: string): boolean {
  return !WORD_BREAKS.has(char) && !/\s/.test(char);
}

/** The longest symbol starting at `position`, or a syntax error for a lone '=', '&', '|' or '~'. */
function readSymbol(source: string, position: number): SymbolText {
  const char = source.charAt(position);
  const next = source.charAt(position + 1);
  switch (char) {
    case '(':
    case ')':
    case '[':
    case ']':
    case ',':
      return char;
    case '<':
    case '>':
      return next === '=' ? `${char}=` : char;
    case '=':
      if (next === '=' || next === '~') return `=${next}`;
      throw new ExpressionSyntaxError(source, position, "'==' or '=~'", `'${char}'`);
    case '!':
      if (next === '=' || next === '~') return `!${next}`;
      return negatedWordAt(source, position + 1) ?? '!';
    case '&':
    case '|':
      if (next === char) return char === '&' ? '&&' : '||';
      throw new ExpressionSyntaxError(
        source,
        position,
        `'${char}${char}' (quote a value that contains '${char}')`,
        `'${char}'`,
      );
    default: // a lone '~', the only break character left
      throw new ExpressionSyntaxError(source, position, "'=~' or '!~'", `'${char}'`);
  }
}

function negatedWordAt(source: string, position: number): '!in' | '!exists' | undefined {
  for (const word of NEGATED_WORDS) {
    const end = position + word.length;
    const wordEnds = end === source.length || !isWordChar(source.charAt(end));
    if (source.startsWith(word, position) && wordEnds) return `!${word}`;
  }
  return undefined;
}
