/**
 * Why a request body is not one JSON value, worded as Go's encoding/json
 * Decoder words it (what dockerd answers after "invalid JSON: "): e.g.
 * "invalid character 'n' looking for beginning of object key string",
 * "unexpected EOF". Returns undefined when the text is one valid value
 * followed only by white space. A valid value followed by more content is
 * "unexpected content after JSON", as moby's ReadJSON says (without the
 * "invalid JSON: " prefix).
 */
export function goJsonSyntaxError(text: string): string | undefined {
  const s = new Scanner(text);
  try {
    s.space();
    s.value();
    s.space();
  } catch (err) {
    if (err instanceof SyntaxFault) return err.message;
    throw err;
  }
  if (s.i < text.length) return "unexpected content after JSON";
  return undefined;
}

class SyntaxFault extends Error {}

/** Go's quoteChar: the offending character in single quotes. */
function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}

class Scanner {
  i = 0;
  readonly t: string;
  constructor(t: string) {
    this.t = t;
  }

  #peek(): string {
    if (this.i >= this.t.length) throw new SyntaxFault("unexpected EOF");
    return this.t[this.i]!;
  }

  #fail(context: string): never {
    throw new SyntaxFault(
      `invalid character ${quoteChar(this.#peek())} ${context}`,
    );
  }

  space(): void {
    while (this.i < this.t.length && " \t\r\n".includes(this.t[this.i]!))
      this.i++;
  }

  value(): void {
    const c = this.#peek();
    if (c === "{") return this.#object();
    if (c === "[") return this.#array();
    if (c === '"') return this.#string();
    if (c === "-" || (c >= "0" && c <= "9")) return this.#number();
    for (const lit of ["true", "false", "null"])
      if (c === lit[0]) return this.#literal(lit);
    this.#fail("looking for beginning of value");
  }

  #object(): void {
    this.i++;
    this.space();
    if (this.#peek() === "}") {
      this.i++;
      return;
    }
    for (;;) {
      this.space();
      if (this.#peek() !== '"')
        this.#fail("looking for beginning of object key string");
      this.#string();
      this.space();
      if (this.#peek() !== ":") this.#fail("after object key");
      this.i++;
      this.space();
      this.value();
      this.space();
      const c = this.#peek();
      this.i++;
      if (c === "}") return;
      if (c !== ",") {
        this.i--;
        this.#fail("after object key:value pair");
      }
    }
  }

  #array(): void {
    this.i++;
    this.space();
    if (this.#peek() === "]") {
      this.i++;
      return;
    }
    for (;;) {
      this.space();
      this.value();
      this.space();
      const c = this.#peek();
      this.i++;
      if (c === "]") return;
      if (c !== ",") {
        this.i--;
        this.#fail("after array element");
      }
    }
  }

  #string(): void {
    this.i++;
    for (;;) {
      const c = this.#peek();
      if (c === '"') {
        this.i++;
        return;
      }
      if (c < " ") this.#fail("in string literal");
      if (c === "\\") {
        this.i++;
        const e = this.#peek();
        if (e === "u") {
          for (let k = 0; k < 4; k++) {
            this.i++;
            if (!/[0-9a-fA-F]/.test(this.#peek()))
              this.#fail("in \\u hexadecimal character escape");
          }
        } else if (!'"\\/bfnrt'.includes(e))
          this.#fail("in string escape code");
      }
      this.i++;
    }
  }

  #digits(context: string, atLeastOne: boolean): void {
    if (atLeastOne && !/[0-9]/.test(this.#peek())) this.#fail(context);
    while (this.i < this.t.length && /[0-9]/.test(this.t[this.i]!)) this.i++;
  }

  #number(): void {
    if (this.t[this.i] === "-") {
      this.i++;
      this.#digits("in numeric literal", true);
    } else if (this.t[this.i] === "0") this.i++;
    else this.#digits("in numeric literal", true);
    if (this.t[this.i] === ".") {
      this.i++;
      this.#digits("after decimal point in numeric literal", true);
    }
    if (this.t[this.i] === "e" || this.t[this.i] === "E") {
      this.i++;
      if (this.t[this.i] === "+" || this.t[this.i] === "-") this.i++;
      this.#digits("in exponent of numeric literal", true);
    }
  }

  #literal(word: string): void {
    for (let k = 0; k < word.length; k++) {
      if (this.#peek() !== word[k])
        this.#fail(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
      this.i++;
    }
  }
}
