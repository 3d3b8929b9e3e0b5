/** Punctuation and operator symbols of the cluster query language. */
export type SymbolText =
  | '('
  | ')'
  | '['
  | ']'
  | ','
  | '&&'
  | '||'
  | '!'
  | '=='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | '=~'
  | '!~'
  | '!in'
  | '!exists';

interface Span {
  /** 0-based offset of the first character in the source. */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

/**
 * A bare run of characters: a subject (`attribute:ecs.instance-type`), a word operator or keyword
 * (`in`, `and`) or an unquoted value (`t2.*`, `2018-06-18T22:28:28Z`). Which one it is depends on
 * where it stands, so the parser decides.
 */
export interface WordToken extends Span {
  kind: 'word';
  text: string;
}

/** A value in single or double quotes; `text` is what lies between them. */
export interface QuotedToken extends Span {
  kind: 'quoted';
  text: string;
}

export interface SymbolToken extends Span {
  kind: 'symbol';
  text: SymbolText;
}

export interface EndToken extends Span {
  kind: 'end';
}

export type Token = WordToken | QuotedToken | SymbolToken | EndToken;
