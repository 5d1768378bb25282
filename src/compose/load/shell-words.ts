/**
 * Splits a command string into words as compose does for `command:` and
 * `entrypoint:` strings (POSIX shell quoting: '…', "…" with \ escapes, \x
 * outside quotes; no expansion).
 */

/** Splits text into words. Throws Error on an unterminated quote. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated single quote in "${text}"`);
      cur += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === "\\" && /["\\$`]/.test(text[j + 1] ?? "")) j++;
        cur += text[j];
      }
      if (j >= text.length)
        throw new Error(`unterminated double quote in "${text}"`);
      inWord = true;
      i = j;
    } else if (c === "\\" && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}
