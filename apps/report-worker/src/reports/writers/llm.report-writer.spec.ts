import { validateReportRequest } from '@app/contracts';
import { KnowledgeBaseEntry } from '@app/mongo';
import { FakeOpenAiServer } from '@app/testing/fake-openai.server';
import { reportRequest } from '@app/testing/report-request.factory';
import { ConfigService } from '@nestjs/config';
import { classifyFailure } from '../failure.classifier';
import { labFindings } from '../lab-findings';
import { LlmCallError } from './llm-call.error';
import { LlmReportWriter } from './llm.report-writer';
import { ReportWriterInput, SectionText } from './report-writer.port';

const kb = (id: string, category: string): KnowledgeBaseEntry => ({
  id,
  category,
  title: `About ${category}`,
  content: `Fact about ${category}.`,
  source_url: 'https://example.org',
  verified_source: true,
  last_updated: new Date(),
  status: 'active',
});

function writerInput(): ReportWriterInput {
  const validation = validateReportRequest(reportRequest());
  if (!validation.ok) throw new Error(validation.problems.join());
  return {
    request: validation.request,
    findings: labFindings(validation.request.labs),
    knowledge: [kb('kb-chol-001', 'cholesterol'), kb('kb-bp-001', 'blood_pressure'), kb('kb-tg-001', 'triglycerides')],
  };
}

/** Each section's text by its place in the report. */
function joined(pieces: SectionText[]): string[] {
  const bodies: string[] = [];
  for (const { index, text } of pieces) bodies[index] = (bodies[index] ?? '') + text;
  return bodies;
}

/** The real `openai` SDK against the fake server's chat-completions streaming. */
describe('LlmReportWriter', () => {
  const llm = new FakeOpenAiServer();
  const writer = (timeoutMs = 5_000) =>
    new LlmReportWriter(
      new ConfigService({
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: llm.baseUrl,
        OPENAI_MODEL: 'gpt-4o-mini',
        OPENAI_TIMEOUT_MS: timeoutMs,
      }) as never,
    );

  beforeAll(() => llm.start());
  afterEach(() => llm.reset());
  afterAll(() => llm.stop());

  it('asks for a stream with usage and hands out each section as it is written', async () => {
    llm.setChunking(5);
    const pieces: SectionText[] = [];
    const draft = await writer().write(writerInput(), (text) => pieces.push(text));
    expect(llm.lastRequest).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(draft.sections.map((section) => section.category)).toEqual([
      'cholesterol',
      'blood_pressure',
      'triglycerides',
    ]);
    expect(pieces.length).toBeGreaterThan(draft.sections.length);
    expect(joined(pieces)).toEqual(draft.sections.map((section) => section.body));
    expect([...new Set(pieces.map((piece) => piece.section))]).toEqual(draft.sections.map((s) => s.category));
    expect(draft.tokens_used).toBeGreaterThan(0);
    expect(draft.sections[0].citations).toEqual(['kb-chol-001']);
  });

  it('asks for the whole answer when no one listens for the text (no stream to parse)', async () => {
    const draft = await writer().write(writerInput());
    expect(llm.lastRequest?.stream).toBeUndefined();
    expect(llm.lastRequest?.stream_options).toBeUndefined();
    expect(draft.sections.map((section) => section.category)).toEqual([
      'cholesterol',
      'blood_pressure',
      'triglycerides',
    ]);
    expect(draft.tokens_used).toBeGreaterThan(0);
  });

  it('writes the same report whether the server streams or answers whole', async () => {
    const input = writerInput();
    const streamed = await writer().write(input, () => undefined);
    llm.answerWhole();
    const whole = await writer().write(input);
    expect(streamed).toEqual(whole);
    expect(whole).toMatchObject({ generator: 'llm', llm_written: true, model: 'gpt-4o-mini' });
  });

  it('gives up on a stream that goes quiet halfway after OPENAI_TIMEOUT_MS, as a failure worth retrying', async () => {
    llm.failMidStream('stall');
    const failure = await writer(400)
      .write(writerInput(), () => undefined)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LlmCallError);
    expect((failure as LlmCallError).message).toMatch(/not complete after 400 ms/);
    expect(classifyFailure(failure)).toBe('transient');
  });

  it('fails, worth retrying, when the connection drops halfway', async () => {
    llm.failMidStream('drop');
    const failure = await writer()
      .write(writerInput(), () => undefined)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(classifyFailure(failure)).toBe('transient');
  });

  it('passes the status of a refused call on, for the failure classifier', async () => {
    llm.failNext(1, 429);
    const failure = await writer()
      .write(writerInput())
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'LlmCallError', status: 429 });
  });
});
