import { nestingDepth } from './json-nesting';

describe('nestingDepth', () => {
  it('counts object and array levels of a parsed body', () => {
    expect(nestingDepth(1)).toBe(0);
    expect(nestingDepth(null)).toBe(0);
    expect(nestingDepth({ a: 1 })).toBe(1);
    expect(nestingDepth({ events: [{ a: [1] }] })).toBe(4);
  });

  it('measures a hostile body without recursion and stops early past the limit', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(nestingDepth(deep, 32)).toBe(33);
    expect(nestingDepth(deep)).toBe(100_000);
  });
});
