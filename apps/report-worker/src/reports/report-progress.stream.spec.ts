import { ReportProgress } from '@app/contracts';
import { ReportProgressStream } from './report-progress.stream';

function streamAt(clock: { now: number }) {
  const sent: ReportProgress[] = [];
  const stream = new ReportProgressStream(
    'req-1',
    (progress) => sent.push(progress),
    100,
    () => clock.now,
  );
  return { sent, stream };
}

describe('ReportProgressStream', () => {
  it('sends the first piece at once, then gathers text for 100 ms', () => {
    const clock = { now: 1_000 };
    const { sent, stream } = streamAt(clock);
    stream.write({ section: 'cholesterol', index: 0, text: 'Your ' });
    stream.write({ section: 'cholesterol', index: 0, text: 'LDL ' });
    clock.now += 60;
    stream.write({ section: 'cholesterol', index: 0, text: 'is ' });
    clock.now += 40;
    stream.write({ section: 'cholesterol', index: 0, text: 'high.' });
    expect(sent).toEqual([
      {
        request_id: 'req-1',
        status: 'in_progress',
        section: 'cholesterol',
        section_index: 0,
        text_delta: 'Your ',
        sequence: 1,
      },
      {
        request_id: 'req-1',
        status: 'in_progress',
        section: 'cholesterol',
        section_index: 0,
        text_delta: 'LDL is high.',
        sequence: 2,
      },
    ]);
  });

  it('never mixes two sections in one value, even of one category, and flush() sends what is left', () => {
    const clock = { now: 0 };
    const { sent, stream } = streamAt(clock);
    stream.write({ section: 'cholesterol', index: 0, text: 'a' });
    stream.write({ section: 'cholesterol', index: 0, text: 'b' });
    stream.write({ section: 'blood_pressure', index: 1, text: 'c' });
    stream.write({ section: 'blood_pressure', index: 1, text: 'd' });
    stream.write({ section: 'blood_pressure', index: 2, text: 'e' });
    stream.flush();
    stream.flush();
    expect(sent.map(({ section, text_delta, sequence }) => [sequence, section, text_delta])).toEqual([
      [1, 'cholesterol', 'a'],
      [2, 'cholesterol', 'b'],
      [3, 'blood_pressure', 'cd'],
      [4, 'blood_pressure', 'e'],
    ]);
  });
});
