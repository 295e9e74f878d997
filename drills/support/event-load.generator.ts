import { Agent, request } from 'node:http';

export interface PacedOutcome {
  /** event_id -> HTTP status (0 = connection error or timeout). */
  statuses: Map<string, number>;
  /** [time, status] of every answer, for the timeline (when did 202s stop and resume). */
  timeline: Array<[number, number]>;
  sent: number;
  /** Scheduled but never sent: more than maxInFlight were waiting for an answer. */
  skipped: number;
}

/**
 * A paced open-loop load generator: `rate` POSTs per second for `seconds`, keep-alive, a new body
 * each (unique event_id). Open loop on purpose: a stalled server does not slow the offered rate
 * down (up to `maxInFlight`, beyond which ticks are skipped and counted as not sent).
 */
export async function pacedPost(options: {
  url: string;
  rate: number;
  seconds: number;
  body: (i: number) => { event_id: string } & Record<string, unknown>;
  maxInFlight?: number;
  /** Keep going, at the same rate, until this settles, then `tailSeconds` more (so recovery is seen under load). */
  extendUntil?: Promise<unknown>;
  tailSeconds?: number;
}): Promise<PacedOutcome> {
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const target = new URL(options.url);
  const statuses = new Map<string, number>();
  const timeline: Array<[number, number]> = [];
  const maxInFlight = options.maxInFlight ?? 2000;
  let inFlight = 0;
  let sent = 0;
  let skipped = 0;
  const pending: Array<Promise<void>> = [];

  const post = (event: { event_id: string }) =>
    new Promise<void>((resolve) => {
      const payload = Buffer.from(JSON.stringify(event));
      inFlight += 1;
      const done = (status: number) => {
        inFlight -= 1;
        statuses.set(event.event_id, status);
        timeline.push([Date.now(), status]);
        resolve();
      };
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          timeout: 10_000,
          headers: { 'content-type': 'application/json', 'content-length': payload.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => done(res.statusCode ?? 0));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => done(0));
      req.end(payload);
    });

  const start = Date.now();
  let endAt = start + options.seconds * 1000;
  let extended = options.extendUntil !== undefined;
  void options.extendUntil?.finally(() => {
    endAt = Math.max(endAt, Date.now() + (options.tailSeconds ?? 10) * 1000);
    extended = false;
  });
  // Every 10 ms, send what the schedule says should have been sent by now.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now();
      // While `extendUntil` is pending the schedule runs on past `seconds`: the load must not pause before the fault ends.
      const due = Math.floor((((extended ? now : Math.min(now, endAt)) - start) / 1000) * options.rate);
      while (sent < due) {
        if (inFlight >= maxInFlight) {
          skipped += due - sent; // the server is not keeping up; these are never sent
          sent = due;
          break;
        }
        pending.push(post(options.body(sent)));
        sent += 1;
      }
      if (now >= endAt && !extended) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  await Promise.all(pending);
  agent.destroy();
  return { statuses, timeline, sent: statuses.size, skipped };
}
