export interface ProbeResult {
  status: number;
  body: Record<string, any>;
}

/** GET a JSON endpoint; a refused connection is status 0, so it can be awaited with waitFor. */
export async function getJson(url: string): Promise<ProbeResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, any> };
  } catch {
    return { status: 0, body: {} };
  }
}
