import { StreamedReportReader } from './streamed-report.reader';
import { SectionText } from './report-writer.port';

const answer = JSON.stringify({
  summary: 'Two results need attention.',
  sections: [
    {
      category: 'cholesterol',
      title: 'Cholesterol',
      body: 'LDL is "high" [kb-chol-001].\nEat more fibre – café ☕ 🥦.',
    },
    {
      category: 'blood_pressure',
      title: 'Blood pressure',
      body: 'Within range \\ steady.',
      extra: { body: 'not a body' },
    },
  ],
});

/** Feeds `text` in pieces of `size` characters (the cut falls inside escapes too) and joins what comes out per section. */
function readInPieces(text: string, size: number): { bodies: Record<string, string>; pieces: SectionText[] } {
  const reader = new StreamedReportReader();
  const pieces: SectionText[] = [];
  for (let at = 0; at < text.length; at += size) pieces.push(...reader.feed(text.slice(at, at + size)));
  const bodies: Record<string, string> = {};
  for (const { section, index, text: piece } of pieces)
    bodies[`${index}:${section}`] = (bodies[`${index}:${section}`] ?? '') + piece;
  return { bodies, pieces };
}

describe('StreamedReportReader', () => {
  it.each([1, 2, 3, 7, 64, 10_000])('hands out each body decoded, whatever the cut (pieces of %i)', (size) => {
    const { bodies } = readInPieces(answer, size);
    expect(bodies).toEqual({
      '0:cholesterol': 'LDL is "high" [kb-chol-001].\nEat more fibre – café ☕ 🥦.',
      '1:blood_pressure': 'Within range \\ steady.',
    });
  });

  it('decodes \\u escapes, as a model that escapes non-ASCII text sends them', () => {
    const escaped = '{"sections":[{"category":"kidney_health","body":"caf\\u00e9 \\ud83e\\udd66"}]}';
    expect(readInPieces(escaped, 5).bodies).toEqual({ '0:kidney_health': 'café 🥦' });
  });

  it('names a section by its position while its category has not come yet', () => {
    const bodyFirst =
      '{"sections":[{"body":"first","category":"cholesterol"},{"category":"nutrition","body":"second"}]}';
    expect(readInPieces(bodyFirst, 4).bodies).toEqual({ '0:section 1': 'first', '1:nutrition': 'second' });
  });

  it('skips the summary, titles, numbers and nested values', () => {
    const { pieces } = readInPieces(
      '{"summary":"s","score":1.5,"sections":[{"category":"c","title":"t","n":[1,{"body":"x"}],"body":"b"}]}',
      3,
    );
    expect(pieces.map((piece) => piece.text).join('')).toBe('b');
  });
});
