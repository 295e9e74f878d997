import { SectionText } from './report-writer.port';

type Frame = { kind: 'object'; key?: string; awaitingKey: boolean } | { kind: 'array'; index: number };
type Target =
  { kind: 'body'; index: number } | { kind: 'category'; index: number } | { kind: 'key' } | { kind: 'other' };

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Reads the writer's JSON answer (`{"summary", "sections": [{"category", "title", "body"}]}`) as it
 * streams in, in pieces cut anywhere, and hands out the decoded text of each section's body as it
 * arrives, named by the section's category (`section 2` while the category has not come yet).
 * One pass over each character; whatever it cannot place (other keys, numbers) is skipped. The
 * whole answer is still parsed once at the end: this reader only feeds progress.
 */
export class StreamedReportReader {
  private readonly stack: Frame[] = [];
  private readonly categories: string[] = [];
  private target?: Target;
  private text = '';
  private escaping = false;
  /** The hex digits of a \uXXXX escape read so far. */
  private unicode?: string;

  /** The body text that `piece` completes, one entry per section it touches. */
  feed(piece: string): SectionText[] {
    const out: SectionText[] = [];
    for (const char of piece) {
      if (this.target) this.inString(char, out);
      else this.structural(char);
    }
    return out;
  }

  private structural(char: string): void {
    const top = this.stack[this.stack.length - 1];
    switch (char) {
      case '{':
        this.stack.push({ kind: 'object', awaitingKey: true });
        break;
      case '[':
        this.stack.push({ kind: 'array', index: 0 });
        break;
      case '}':
      case ']':
        this.stack.pop();
        break;
      case ',':
        if (top?.kind === 'object') Object.assign(top, { awaitingKey: true, key: undefined });
        else if (top?.kind === 'array') top.index += 1;
        break;
      case ':':
        if (top?.kind === 'object') top.awaitingKey = false;
        break;
      case '"':
        this.target = top?.kind === 'object' && top.awaitingKey ? { kind: 'key' } : this.valueTarget();
        this.text = '';
        break;
    }
  }

  /** Where a string value sits: a section's body or category is worth reading, nothing else. */
  private valueTarget(): Target {
    const [root, sections, section] = this.stack;
    if (this.stack.length !== 3 || root.kind !== 'object' || root.key !== 'sections') return { kind: 'other' };
    if (sections.kind !== 'array' || section.kind !== 'object') return { kind: 'other' };
    if (section.key === 'body') return { kind: 'body', index: sections.index };
    if (section.key === 'category') return { kind: 'category', index: sections.index };
    return { kind: 'other' };
  }

  private inString(char: string, out: SectionText[]): void {
    let decoded: string;
    if (this.unicode !== undefined) {
      this.unicode += char;
      if (this.unicode.length < 4) return;
      decoded = String.fromCharCode(parseInt(this.unicode, 16));
      this.unicode = undefined;
    } else if (this.escaping) {
      this.escaping = false;
      if (char === 'u') {
        this.unicode = '';
        return;
      }
      decoded = ESCAPES[char] ?? char;
    } else if (char === '\\') {
      this.escaping = true;
      return;
    } else if (char === '"') {
      return this.endString();
    } else {
      decoded = char;
    }
    const target = this.target!;
    if (target.kind === 'body') this.emit(out, target.index, decoded);
    else if (target.kind !== 'other') this.text += decoded;
  }

  private endString(): void {
    const target = this.target!;
    const top = this.stack[this.stack.length - 1];
    if (target.kind === 'key' && top?.kind === 'object') top.key = this.text;
    if (target.kind === 'category') this.categories[target.index] = this.text;
    this.target = undefined;
    this.text = '';
  }

  private emit(out: SectionText[], index: number, text: string): void {
    const section = this.categories[index] ?? `section ${index + 1}`;
    const last = out[out.length - 1];
    if (last?.index === index) last.text += text;
    else out.push({ section, index, text });
  }
}
