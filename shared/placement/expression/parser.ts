import type {
  AttributeSubject,
  Comparison,
  Expression,
  NumberSubject,
  Subject,
  TextComparison,
  TextSubject,
  TextValue,
} from './ast.js';
import { ExpressionSyntaxError } from './errors.js';
import { tokenize } from './lexer.js';
import type { ExistenceOperator, Operator } from './operators.js';
import {
  ALL_OPERATORS,
  OPERATOR_SYMBOLS,
  ORDERED_OPERATORS,
  STRING_OPERATORS,
  operatorSpelled,
} from './operators.js';
import {
  ATTRIBUTE_NAME_BAD_CHAR,
  ATTRIBUTE_NAME_MAX_LENGTH,
  ATTRIBUTE_PREFIX,
  SUBJECT_LIST,
  fixedSubject,
  subjectInOtherCase,
  subjectName,
} from './subjects.js';
import type { QuotedToken, SymbolText, Token, WordToken } from './tokens.js';
import { compilePattern, parseCount, parseInstant, parseVersion, textValue } from './values.js';

/** ECS rejects longer expressions (PlacementConstraint.expression, API reference). */
const MAX_LENGTH = 2000;

const KEYWORDS = ['and', 'or', 'not'];

/**
 * Parses a cluster query language expression (the `memberOf` constraint language):
 *
 *   expression := conjunction ( ('or' | '||') conjunction )*
 *   conjunction := unary ( ('and' | '&&') unary )*
 *   unary       := ('not' | '!') unary | '(' expression ')' | comparison
 *   comparison  := subject operator [value | '[' value (',' value)* ']']
 *   value       := bare word | 'single-quoted' | "double-quoted"
 *
 * The docs list the Boolean operators and show parentheses setting precedence, but give no
 * precedence among `not`, `and` and `or`. We use Boolean algebra's: `not` binds tightest, then
 * `and`, then `or`, so `a or b and c` means `a or (b and c)`, and `not a and b` means
 * `(not a) and b`. Keywords, operators and subjects are case-sensitive, spelled as in the docs.
 *
 * @throws ExpressionSyntaxError saying where the expression goes wrong and what was expected.
 */
export function parseExpression(source: string): Expression {
  if (source.length > MAX_LENGTH) {
    throw new ExpressionSyntaxError(
      source,
      MAX_LENGTH,
      `at most ${MAX_LENGTH} characters (the ECS limit)`,
      `${source.length} characters`,
    );
  }
  return new Parser(source).parse();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parse(): Expression {
    const expression = this.parseDisjunction();
    const token = this.next();
    if (token.kind !== 'end') this.fail(token, "'and', 'or' or end of expression");
    return expression;
  }

  private parseDisjunction(): Expression {
    let left = this.parseConjunction();
    while (this.acceptKeyword('or', '||')) left = { kind: 'or', left, right: this.parseConjunction() };
    return left;
  }

  private parseConjunction(): Expression {
    let left = this.parseUnary();
    while (this.acceptKeyword('and', '&&')) left = { kind: 'and', left, right: this.parseUnary() };
    return left;
  }

  private parseUnary(): Expression {
    if (this.acceptKeyword('not', '!')) return { kind: 'not', operand: this.parseUnary() };
    const open = this.peek();
    if (!isSymbol(open, '(')) return this.parseComparison();
    this.index += 1;
    const inner = this.parseDisjunction();
    const close = this.next();
    if (!isSymbol(close, ')')) this.fail(close, `'and', 'or' or ')' to close the '(' at position ${open.start}`);
    return inner;
  }

  private parseComparison(): Comparison {
    const subjectToken = this.next();
    const subject = this.parseSubject(subjectToken);
    const position = subjectToken.start;
    const operatorToken = this.next();
    switch (subject.kind) {
      case 'agentVersion': {
        const operator = this.expectOperator(operatorToken, subject, ORDERED_OPERATORS);
        const value = this.parseValue(operatorToken, parseVersion, 'an agent version such as 1.14.5');
        return { kind: 'version', position, subject, operator, value };
      }
      case 'registeredAt':
      case 'runningTasksCount': {
        const operator = this.expectOperator(operatorToken, subject, ORDERED_OPERATORS);
        const value = this.parseNumber(operatorToken, subject);
        return { kind: 'number', position, subject, operator, value };
      }
      case 'attribute': {
        const operator = this.expectOperator(operatorToken, subject, ALL_OPERATORS);
        if (operator === 'exists' || operator === 'not_exists') return { kind: 'exists', position, subject, operator };
        return this.parseTextTest(position, subject, operator, operatorToken, textValue, 'a value');
      }
      case 'agentConnected': {
        const operator = this.expectOperator(operatorToken, subject, STRING_OPERATORS);
        return this.parseTextTest(position, subject, operator, operatorToken, booleanValue, "'true' or 'false'");
      }
      case 'ec2InstanceId':
      case 'taskGroup': {
        const operator = this.expectOperator(operatorToken, subject, STRING_OPERATORS);
        return this.parseTextTest(position, subject, operator, operatorToken, textValue, 'a value');
      }
    }
  }

  private parseSubject(token: Token): Subject {
    if (token.kind !== 'word') this.fail(token, `a subject, 'not' or '('${this.afterPrevious()}`);
    if (token.text.startsWith(ATTRIBUTE_PREFIX)) return this.parseAttribute(token.text, token.start);
    return fixedSubject(token.text) ?? this.fail(token, `a subject (${SUBJECT_LIST})`);
  }

  private parseAttribute(word: string, start: number): AttributeSubject {
    const name = word.slice(ATTRIBUTE_PREFIX.length);
    const nameStart = start + ATTRIBUTE_PREFIX.length;
    if (name === '') this.fail(this.peek(), `an attribute name after '${ATTRIBUTE_PREFIX}'`);
    const bad = name.search(ATTRIBUTE_NAME_BAD_CHAR);
    if (bad !== -1) {
      this.failAt(
        nameStart + bad,
        "an attribute name of letters, digits, '-', '_', '.', '/' or '\\'",
        `'${name.charAt(bad)}'`,
      );
    }
    if (name.length > ATTRIBUTE_NAME_MAX_LENGTH) {
      this.failAt(
        nameStart + ATTRIBUTE_NAME_MAX_LENGTH,
        `an attribute name of at most ${ATTRIBUTE_NAME_MAX_LENGTH} characters`,
        `${name.length} characters`,
      );
    }
    return { kind: 'attribute', name };
  }

  /** The operator `token` spells, if it is one of `allowed` (the subject's valid operators). */
  private expectOperator<T extends Operator>(token: Token, subject: Subject, allowed: readonly T[]): T {
    const spelled = token.kind === 'word' || token.kind === 'symbol' ? operatorSpelled(token.text) : undefined;
    const operator = allowed.find((candidate) => candidate === spelled);
    if (operator !== undefined) return operator;
    const symbols = allowed.map((candidate) => OPERATOR_SYMBOLS[candidate]).join(', ');
    return this.fail(token, `an operator for ${subjectName(subject)} (${symbols})`);
  }

  private parseTextTest(
    position: number,
    subject: TextSubject,
    operator: Exclude<Operator, ExistenceOperator>,
    operatorToken: Token,
    convert: (text: string) => TextValue | undefined,
    expected: string,
  ): TextComparison {
    switch (operator) {
      case 'in':
      case 'not_in':
        return { kind: 'text', position, subject, operator, values: this.parseList(operatorToken, convert, expected) };
      case 'matches':
      case 'not_matches':
        return { kind: 'text', position, subject, operator, pattern: this.parsePattern(operatorToken) };
      default:
        return { kind: 'text', position, subject, operator, value: this.parseValue(operatorToken, convert, expected) };
    }
  }

  private parseNumber(operatorToken: Token, subject: NumberSubject): number {
    if (subject.kind === 'runningTasksCount') return this.parseValue(operatorToken, parseCount, 'a whole number');
    return this.parseValue(
      operatorToken,
      parseInstant,
      'a date as 2018-06-18T22:28:28+00:00, 2018-06-18T22:28:28Z, 2018-06-18T22:28:28 or 2018-06-18',
    );
  }

  private parseList(
    operatorToken: Token,
    convert: (text: string) => TextValue | undefined,
    expected: string,
  ): TextValue[] {
    const open = this.next();
    if (!isSymbol(open, '[')) this.fail(open, `'[' to start a list after '${this.textOf(operatorToken)}'`);
    const values = [this.parseValue(open, convert, expected)];
    for (;;) {
      const token = this.next();
      if (isSymbol(token, ']')) return values;
      if (!isSymbol(token, ',')) this.fail(token, `',' or ']' to close the list opened at position ${open.start}`);
      values.push(this.parseValue(token, convert, expected));
    }
  }

  private parsePattern(operatorToken: Token): RegExp {
    const token = this.valueToken(operatorToken);
    const result = compilePattern(token.text);
    if ('reason' in result) this.fail(token, `a valid regular expression (${result.reason})`);
    return result.pattern;
  }

  /** Reads the value after `previous` and converts it; `expected` names what `convert` accepts. */
  private parseValue<T>(previous: Token, convert: (text: string) => T | undefined, expected: string): T {
    const token = this.valueToken(previous);
    return convert(token.text) ?? this.fail(token, expected);
  }

  /**
   * The next token, which must be a value. A bare `and` or `or` there means the value is missing
   * (`attribute:stack == and ...`); quoting it compares with the word itself.
   */
  private valueToken(previous: Token): QuotedToken | WordToken {
    const token = this.next();
    const isValue = token.kind === 'quoted' || (token.kind === 'word' && token.text !== 'and' && token.text !== 'or');
    if (!isValue) this.fail(token, `a value after '${this.textOf(previous)}'`);
    // A bare value ends at a bracket, so a pattern like c[m5].* splits; say so rather than
    // complaining about the bracket as if it began something else.
    const following = this.peek();
    if (following.start === token.end && (isSymbol(following, '[') || isSymbol(following, '('))) {
      this.fail(following, `a space after '${token.text}' (quote a value that holds brackets or parentheses)`);
    }
    return token;
  }

  private acceptKeyword(word: string, symbol: SymbolText): boolean {
    const token = this.peek();
    const matches = (token.kind === 'word' && token.text === word) || isSymbol(token, symbol);
    if (matches) this.index += 1;
    return matches;
  }

  private peek(): Token {
    // The lexer always ends the list with an end token, and nothing reads past it.
    return this.tokens[Math.min(this.index, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    this.index += 1;
    return token;
  }

  private textOf(token: Token): string {
    return this.source.slice(token.start, token.end);
  }

  /** " after 'and'" for the token before the one just read (the subject position), if any. */
  private afterPrevious(): string {
    const previous = this.tokens[this.index - 2];
    return previous === undefined ? '' : ` after '${this.textOf(previous)}'`;
  }

  private fail(token: Token, expected: string): never {
    return this.failAt(token.start, expected, this.describe(token));
  }

  private failAt(position: number, expected: string, found: string): never {
    throw new ExpressionSyntaxError(this.source, position, expected, found);
  }

  /** How a token is shown after "found", with a hint when only its letter case is wrong. */
  private describe(token: Token): string {
    if (token.kind === 'end') return 'end of expression';
    const text = this.textOf(token);
    const cut = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    const shown = token.kind === 'quoted' ? cut : `'${cut}'`;
    const intended = token.kind === 'word' ? inOtherCase(token.text) : undefined;
    return intended === undefined ? shown : `${shown} (the language is case-sensitive: did you mean '${intended}'?)`;
  }
}

function isSymbol(token: Token, text: SymbolText): boolean {
  return token.kind === 'symbol' && token.text === text;
}

function booleanValue(text: string): TextValue | undefined {
  return text === 'true' || text === 'false' ? textValue(text) : undefined;
}

/** The keyword, operator or subject `word` would be with other letter case, if any. */
function inOtherCase(word: string): string | undefined {
  const lower = word.toLowerCase();
  const intended =
    KEYWORDS.includes(lower) || operatorSpelled(lower) !== undefined ? lower : subjectInOtherCase(word);
  return intended === word ? undefined : intended;
}
