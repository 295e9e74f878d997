// The console page: polls /console/api every few seconds and draws what it answers. Text from the
// server is only ever set as textContent, never parsed as HTML.
(() => {
  'use strict';

  const POLL_MS = 3000;
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (selector, root = document) => root.querySelector(selector);
  let timer;

  async function api(path, options = {}) {
    const response = await fetch(`/console/api/${path}`, {
      ...options,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(options.headers ?? {}) },
    });
    if (response.status === 401) {
      showLogin();
      throw new Error('logged out');
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
    return body;
  }

  /** A change: POST with the header a cross-site form cannot send. */
  function act(path, body) {
    return api(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-console-request': '1' },
      body: JSON.stringify(body),
    });
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function row(cells) {
    const tr = document.createElement('tr');
    for (const cell of cells) tr.append(cell instanceof Node ? cell : element('td', cell));
    return tr;
  }

  function status(text, isError = false) {
    const node = $('#status');
    node.textContent = text;
    node.classList.toggle('error', isError);
  }

  function showLogin() {
    clearTimeout(timer);
    closeReport();
    $('#jobs tbody').replaceChildren();
    $('#panels').hidden = true;
    $('#logout').hidden = true;
    $('#login').hidden = false;
    $('#token').focus();
  }

  function showPanels() {
    $('#login').hidden = true;
    $('#panels').hidden = false;
    $('#logout').hidden = false;
  }

  function drawQueues(queues) {
    const body = $('#queues tbody');
    body.replaceChildren(
      ...queues.map((queue) => {
        const rate = queue.messages_per_second;
        const tr = row([
          queue.pipeline,
          queue.queue,
          queue.role,
          element('td', queue.exists ? queue.messages : 'not declared', 'num messages'),
          element('td', queue.exists ? queue.consumers : '', 'num consumers'),
          element('td', rate === null ? '' : (rate > 0 ? '+' : '') + rate, 'num'),
        ]);
        tr.dataset.queue = queue.queue;
        if (!queue.exists) tr.classList.add('missing');
        else if (queue.role === 'work' && queue.consumers === 0) tr.classList.add('idle');
        return tr;
      }),
    );
  }

  function drawThroughput({ bucket_seconds: seconds, points }) {
    const svg = $('#throughput');
    const width = 900;
    const height = 160;
    const top = Math.max(1, ...points.map((point) => point.events));
    const slot = width / points.length;
    const nodes = [];
    for (const y of [0.25, 0.5, 0.75]) {
      const line = document.createElementNS(SVG, 'line');
      line.setAttribute('x1', '0');
      line.setAttribute('x2', String(width));
      line.setAttribute('y1', String(height * y));
      line.setAttribute('y2', String(height * y));
      nodes.push(line);
    }
    points.forEach((point, index) => {
      const bar = document.createElementNS(SVG, 'rect');
      const barHeight = (point.events / top) * (height - 16);
      bar.setAttribute('x', String(index * slot + 1));
      bar.setAttribute('width', String(Math.max(1, slot - 2)));
      bar.setAttribute('y', String(height - barHeight));
      bar.setAttribute('height', String(barHeight));
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `${point.at}: ${point.events} events`;
      bar.append(title);
      nodes.push(bar);
    });
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', '4');
    label.setAttribute('y', '12');
    label.textContent = `max ${top} per ${seconds} s`;
    nodes.push(label);
    svg.replaceChildren(...nodes);
    const total = points.reduce((sum, point) => sum + point.events, 0);
    const last = points.slice(-7, -1).reduce((sum, point) => sum + point.events, 0) / 60;
    $('#throughput-summary').textContent =
      `${total} events in 15 minutes; ${last.toFixed(1)} per second over the last full minute`;
  }

  function actionButton(label, pipeline, action, messageId, danger) {
    const button = element('button', label, danger ? 'danger' : undefined);
    button.type = 'button';
    button.dataset.action = action;
    button.addEventListener('click', () => run(pipeline, action, messageId));
    return button;
  }

  function drawDeadLetters(listing) {
    const section = $(`.dead-letters[data-pipeline="${listing.pipeline}"]`);
    $('.queue-name', section).textContent = listing.queue;
    const shown = listing.messages.length;
    $('.total', section).textContent =
      listing.total === shown ? `${listing.total} messages` : `${listing.total} messages, the first ${shown} shown`;
    $('.replay-all', section).disabled = listing.total === 0;
    $('.discard-all', section).disabled = listing.total === 0;
    const note = $('.note', section);
    if (note)
      note.textContent = listing.replayable
        ? ''
        : 'This console holds no key ring (CONSOLE_REPORT_ENCRYPTION_KEYS): a sealed letter shows no ids and is replayed with npm run reports:dlq -- replay.';
    $('tbody', section).replaceChildren(
      ...listing.messages.map((letter) => {
        const where =
          listing.pipeline === 'events'
            ? (letter.origin ?? '')
            : [letter.request_id, letter.user_id].filter(Boolean).join(' / ');
        const buttons = element('td');
        if (letter.message_id) {
          buttons.append(
            actionButton('Replay', listing.pipeline, 'replay', letter.message_id, false),
            ' ',
            actionButton('Discard', listing.pipeline, 'discard', letter.message_id, true),
          );
        }
        const tr = row([
          letter.message_id ?? '(no id)',
          letter.reason ?? '',
          element('td', letter.attempts ?? '', 'num'),
          letter.failed_at ?? '',
          where,
          buttons,
        ]);
        if (letter.message_id) tr.dataset.messageId = letter.message_id;
        return tr;
      }),
    );
  }

  async function run(pipeline, action, messageId) {
    const what = messageId ? `message ${messageId}` : 'every dead letter';
    if (action === 'discard' && !window.confirm(`Delete ${what} of the ${pipeline} DLQ for good?`)) return;
    try {
      const result = await act(`dead-letters/${pipeline}/${action}`, messageId ? { message_id: messageId } : {});
      const count = result.replayed ?? result.discarded ?? 0;
      status(`${action === 'replay' ? 'Replayed' : 'Discarded'} ${count} from ${result.queue}`);
    } catch (error) {
      status(`${action} failed: ${error.message}`, true);
    }
    await refresh();
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const [overview, events, reports] = await Promise.all([
        api('overview'),
        api('dead-letters/events'),
        api('dead-letters/reports').catch((error) => ({ error })),
      ]);
      drawQueues(overview.queues);
      drawThroughput(overview.throughput);
      drawDeadLetters(events);
      if (reports.error) $('.dead-letters[data-pipeline="reports"] .note').textContent = reports.error.message;
      else drawDeadLetters(reports);
      document.body.dataset.updatedAt = overview.at;
      if (!$('#status').classList.contains('error')) status(`updated ${new Date(overview.at).toLocaleTimeString()}`);
    } catch (error) {
      if (error.message === 'logged out') return;
      status(`refresh failed: ${error.message}`, true);
    }
    timer = setTimeout(refresh, POLL_MS);
  }

  function closeReport() {
    $('#report-body').textContent = '';
    $('#report').hidden = true;
  }

  /** Patient data: fetched on demand, shown as plain text, dropped on close and logout. */
  async function showReport(reportId) {
    try {
      const report = await api(`reports/${encodeURIComponent(reportId)}`);
      $('#report-id').textContent = `${report.report_id} (user ${report.user_id}, ${report.created_at})`;
      $('#report-body').textContent = report.markdown;
      $('#report').hidden = false;
    } catch (error) {
      $('#jobs-note').textContent = `report ${reportId}: ${error.message}`;
    }
  }

  async function lookUpJobs() {
    closeReport();
    const by = $('#jobs-by').value;
    const id = $('#jobs-id').value.trim();
    try {
      const result = await api(`report-jobs?${by}=${encodeURIComponent(id)}`);
      if (!result.configured) {
        $('#jobs-note').textContent =
          'Report jobs are not configured: set CONSOLE_MONGODB_URI (and CONSOLE_REPORT_ENCRYPTION_KEYS to open reports).';
        return;
      }
      $('#jobs-note').textContent = result.jobs.length === 0 ? `no job with ${by} ${id}` : '';
      $('#jobs tbody').replaceChildren(
        ...result.jobs.map((job) => {
          const open = element('td');
          if (job.status === 'completed') {
            const button = element('button', 'Show report');
            button.type = 'button';
            button.addEventListener('click', () => showReport(job.report_id));
            open.append(button);
          }
          const tr = row([
            job.request_id,
            job.user_id,
            job.status,
            element('td', job.attempts, 'num'),
            job.created_at ?? '',
            job.completed_at ?? job.failed_at ?? '',
            job.error_message ?? '',
            open,
          ]);
          tr.dataset.requestId = job.request_id;
          return tr;
        }),
      );
    } catch (error) {
      $('#jobs-note').textContent = error.message;
    }
  }

  async function start() {
    try {
      await api('session');
    } catch {
      return;
    }
    showPanels();
    await refresh();
  }

  $('#login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const response = await fetch('/console/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: $('#token').value }),
    });
    $('#token').value = '';
    if (response.status !== 204) {
      $('#login-error').textContent =
        response.status === 401 ? 'Wrong token.' : `Login failed (HTTP ${response.status}).`;
      return;
    }
    $('#login-error').textContent = '';
    await start();
  });

  $('#jobs-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void lookUpJobs();
  });
  $('#report-close').addEventListener('click', closeReport);

  $('#logout').addEventListener('click', async () => {
    await fetch('/console/logout', { method: 'POST', credentials: 'same-origin' });
    showLogin();
  });

  void start();
})();
