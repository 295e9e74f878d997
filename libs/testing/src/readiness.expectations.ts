import { getJson, ProbeResult } from './http-probe';
import { TcpOutageProxy } from './tcp-outage.proxy';
import { waitFor } from './wait-for';

/** Resolves with the first 200 answer of a readiness endpoint. */
export function waitUntilReady(readyUrl: string, timeoutMs = 10_000): Promise<ProbeResult> {
  return waitFor(
    async () => {
      const probe = await getJson(readyUrl);
      return probe.status === 200 ? probe : null;
    },
    { timeoutMs, description: `200 from ${readyUrl}` },
  );
}

/**
 * Cuts the path to one dependency and expects readiness to answer 503 naming it (and only it),
 * then restores the path and expects 200 again without a restart of the app.
 */
export async function expectReadinessToFollowOutage(
  readyUrl: string,
  name: string,
  proxy: TcpOutageProxy,
): Promise<void> {
  proxy.cut();
  const down = await waitFor(
    async () => {
      const probe = await getJson(readyUrl);
      return probe.status === 503 && probe.body.error?.[name] ? probe : null;
    },
    { description: `503 naming ${name}` },
  );
  expect(down.body.error[name].status).toBe('down');
  expect(Object.keys(down.body.error)).toEqual([name]);

  proxy.restore();
  await waitUntilReady(readyUrl, 30_000);
}
