import { EnvelopeCipher, KeyRing } from '@app/crypto';
import { sealedReportContext } from '@app/mongo';
import { makeEvent, serviceUrls, testSecrets, waitFor } from '@app/testing';
import { Db, MongoClient } from 'mongodb';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { ADMIN_TOKEN, EventAppHandle, request, startEventApp } from '../integration/event-pipeline.harness';

/** Debian's chromium, never a browser download; the flags keep it off every network but loopback. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** `UPDATE_SCREENSHOTS=1` writes the pictures docs/event-ingest.md shows; otherwise they go to a scratch folder. */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(__dirname, '../../docs/images') : '/tmp/console-e2e';

/**
 * The operator console in a real browser: headless Chromium against event-ingest booted as main.ts
 * boots it, on the real broker. No processor runs, so what is posted stays countable in the queue.
 */
describe('console, in a browser', () => {
  jest.setTimeout(120_000);
  let handle: EventAppHandle;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let reportQueue: string;
  let mongo: MongoClient;
  let reportsDb: Db;
  const keys = testSecrets().REPORT_ENCRYPTION_KEYS;
  const requested: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: run scripts/ci/install-chromium.sh`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    const scope = `console-${Date.now().toString(36)}`;
    reportQueue = `${scope}-report-requests`;
    // The report worker's MongoDB, as the console reads it: a database of this spec's own.
    const mongoUri = new URL(serviceUrls.mongodb);
    mongoUri.pathname = `/${scope.replace(/-/g, '_')}`;
    mongo = await new MongoClient(mongoUri.toString()).connect();
    reportsDb = mongo.db();
    handle = await startEventApp(
      {
        EVENT_PROCESSORS: 'none',
        EVENT_SINKS: 'neo4j',
        RABBITMQ_REQUEST_QUEUE: reportQueue,
        CONSOLE_MONGODB_URI: mongoUri.toString(),
        CONSOLE_REPORT_ENCRYPTION_KEYS: keys,
      },
      {},
      scope,
    );
    // The report worker does not run here: its request queue and DLQ are declared as it would.
    await handle.broker.declareQueue(reportQueue);
    await handle.broker.declareQueue(`${reportQueue}_dlq`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('request', (sent) => requested.push(sent.url()));
  });

  afterAll(async () => {
    await browser?.close();
    await handle?.broker.deleteQueues(reportQueue, `${reportQueue}_dlq`);
    await handle?.close();
    await reportsDb?.dropDatabase().catch(() => undefined);
    await mongo?.close();
  });

  const queueCell = (queue: string) => page.locator(`#queues tr[data-queue="${queue}"] td.messages`);
  const letterRow = (pipeline: string, id: string) =>
    page.locator(`.dead-letters[data-pipeline="${pipeline}"] tr[data-message-id="${id}"]`);
  const until = (description: string, predicate: () => Promise<boolean>) =>
    waitFor(predicate, { timeoutMs: 20_000, description });

  it('shows a login form first, and refuses a wrong token', async () => {
    await page.goto(`${handle.base}/console`);
    await page.locator('#login-form').waitFor();
    await page.fill('#token', 'not-the-admin-token');
    await page.click('#login-form button[type=submit]');
    await until('the refusal', async () => (await page.textContent('#login-error')) === 'Wrong token.');
    expect(await page.locator('#panels').isVisible()).toBe(false);
    await page.fill('#token', '');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-login.png') });
  });

  it('logs in with the admin token and keeps the session in an HttpOnly, SameSite=Strict cookie', async () => {
    await page.fill('#token', ADMIN_TOKEN);
    await page.click('#login-form button[type=submit]');
    await page.locator('#queues tbody tr').first().waitFor();
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'console_session', httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(cookie.value).not.toContain(ADMIN_TOKEN);
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('sees the count of a sink queue go up after events are posted', async () => {
    const queue = `${handle.scope}.neo4j`;
    await until('the queue listed at 0', async () => (await queueCell(queue).textContent()) === '0');
    for (let i = 0; i < 3; i++) {
      expect((await request('POST', `${handle.base}/events`, makeEvent(handle.scope))).status).toBe(202);
    }
    await until('the queue at 3', async () => (await queueCell(queue).textContent()) === '3');
    await until('the chart counted them', async () =>
      /^3 events in 15 minutes/.test((await page.textContent('#throughput-summary')) ?? ''),
    );
  });

  it('lists dead letters of both pipelines with reason and attempts, and replays one out of the DLQ', async () => {
    const failedAt = new Date().toISOString();
    await handle.broker.publish('', `${handle.scope}.dlq`, JSON.stringify(makeEvent(handle.scope)), {
      messageId: 'dead-event-1',
      contentType: 'application/json',
      headers: {
        'x-original-queue': `${handle.scope}.neo4j`,
        'x-reason': 'Neo4jError: the graph refused the batch',
        'x-attempts': 4,
        'x-failed-at': failedAt,
      },
    });
    await handle.broker.publish('', `${reportQueue}_dlq`, JSON.stringify({ request_id: 'r-41', user_id: 'u-41' }), {
      messageId: 'dead-report-1',
      headers: { 'x-dead-letter-reason': 'LLM error 500', 'x-report-attempt': 3, 'x-failed-at': failedAt },
    });
    const event = letterRow('events', 'dead-event-1');
    await event.waitFor();
    expect(await event.locator('td').allTextContents()).toEqual([
      'dead-event-1',
      'Neo4jError: the graph refused the batch',
      '4',
      failedAt,
      `${handle.scope}.neo4j`,
      'Replay Discard',
    ]);
    const report = letterRow('reports', 'dead-report-1');
    await report.waitFor();
    expect((await report.locator('td').allTextContents()).slice(0, 5)).toEqual([
      'dead-report-1',
      'LLM error 500',
      '3',
      failedAt,
      'r-41 / u-41',
    ]);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-overview.png'), fullPage: true });

    await event.locator('button[data-action=replay]').click();
    await event.waitFor({ state: 'detached' });
    expect(await handle.broker.depth(`${handle.scope}.dlq`)).toBe(0);
    await until(
      'the replayed event back in its sink queue',
      async () => (await queueCell(`${handle.scope}.neo4j`).textContent()) === '4',
    );

    await report.locator('button[data-action=replay]').click();
    await report.waitFor({ state: 'detached' });
    expect(await handle.broker.depth(`${reportQueue}_dlq`)).toBe(0);
    expect(await handle.broker.depth(reportQueue)).toBe(1);
  });

  it("finds report jobs by user_id, shows a completed one's report, and audits the view", async () => {
    const cipher = new EnvelopeCipher(KeyRing.parse(keys));
    const created_at = new Date();
    const job = (request_id: string, status: string, attempts: number) => ({
      _id: request_id,
      request_id,
      user_id: 'u-console',
      report_id: `rep-${request_id}`,
      content_hash: `hash-${request_id}`,
      status,
      attempts,
      created_at,
      updated_at: created_at,
      ...(status === 'failed' ? { failed_at: created_at, error_message: 'LLM error 500' } : {}),
      ...(status === 'completed' ? { completed_at: created_at } : {}),
    });
    await reportsDb
      .collection('report_jobs')
      .insertMany([job('req-1', 'completed', 1), job('req-2', 'failed', 4)] as never[]);
    const content = {
      report_data: { patient: { age: 54 } },
      markdown_content: '# Your report\n\nLDL cholesterol is high.',
    };
    await reportsDb.collection('medical_reports').insertOne({
      _id: 'rep-req-1',
      report_id: 'rep-req-1',
      request_id: 'req-1',
      user_id: 'u-console',
      content_hash: 'hash-req-1',
      created_at,
      generator: 'deterministic',
      sealed_content: cipher.sealJson(content, sealedReportContext('rep-req-1')),
      key_id: cipher.currentKeyId,
    } as never);

    await page.selectOption('#jobs-by', 'user_id');
    await page.fill('#jobs-id', 'u-console');
    await page.click('#jobs-form button[type=submit]');
    const completed = page.locator('#jobs tr[data-request-id="req-1"]');
    await completed.waitFor();
    expect((await completed.locator('td').allTextContents()).slice(0, 4)).toEqual([
      'req-1',
      'u-console',
      'completed',
      '1',
    ]);
    expect((await page.locator('#jobs tr[data-request-id="req-2"] td').allTextContents()).slice(2, 4)).toEqual([
      'failed',
      '4',
    ]);

    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/console/api/reports/rep-req-1')),
      completed.locator('button').click(),
    ]);
    expect(answer.headers()['cache-control']).toBe('no-store');
    await until('the report shown', async () =>
      /LDL cholesterol is high/.test((await page.textContent('#report-body')) ?? ''),
    );
    await page.locator('#jobs').screenshot({ path: join(SCREENSHOTS, 'console-report-jobs.png') });
    const audit = await reportsDb.collection('audit_events').find({ report_id: 'rep-req-1' }).toArray();
    expect(audit).toEqual([
      expect.objectContaining({ action: 'report.get', actor_via: 'operator', outcome: 'found', user_id: 'u-console' }),
    ]);
  });

  it('refuses a change made with the cookie but without X-Console-Request, and any call without a login', async () => {
    const forged = await context.request.post(`${handle.base}/console/api/dead-letters/events/discard`, { data: {} });
    expect(forged.status()).toBe(403);
    expect((await request('GET', `${handle.base}/console/api/overview`)).status).toBe(401);
    const scripted = await request('GET', `${handle.base}/console/api/overview`, undefined, {
      authorization: `Bearer ${ADMIN_TOKEN}`,
    });
    expect(scripted.status).toBe(200);
    expect(scripted.headers.get('cache-control')).toBe('no-store');
  });

  it('serves the page with a same-origin-only CSP, and never puts the token in a URL', async () => {
    const response = await request('GET', `${handle.base}/console`);
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'self'/);
    expect(requested.length).toBeGreaterThan(5);
    expect(requested.every((url) => url.startsWith(handle.base))).toBe(true);
    for (const form of [ADMIN_TOKEN, encodeURIComponent(ADMIN_TOKEN)])
      expect(requested.filter((url) => url.includes(form))).toEqual([]);
  });

  it('logs out: the page asks for the token again and the cookie no longer opens the API', async () => {
    const [cookie] = await context.cookies();
    await page.click('#logout');
    await page.locator('#login-form').waitFor();
    expect(await page.textContent('#report-body')).toBe('');
    const replayed = await request('GET', `${handle.base}/console/api/overview`, undefined, {
      cookie: `console_session=${cookie.value}`,
    });
    expect(replayed.status).toBe(401);
  });
});
