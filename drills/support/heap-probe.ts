/**
 * Live V8 heap of another Node process after a full garbage collection, through the inspector
 * protocol: SIGUSR1 opens the process's inspector (on the `--inspect-port` it was started with),
 * then `HeapProfiler.collectGarbage` and `Runtime.getHeapUsage`. RSS cannot tell a leak from a
 * high-water mark (V8 keeps the heap a burst grew to); the live heap after a GC can.
 * Needs Node's WebSocket client (`--experimental-websocket` on Node 20, built in from Node 22).
 */
export async function liveHeapMbAfterGc(pid: number, inspectPort: number): Promise<number> {
  process.kill(pid, 'SIGUSR1');
  const target = await retry(async () => {
    const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{
      webSocketDebuggerUrl: string;
    }>;
    return targets[0].webSocketDebuggerUrl;
  });
  const socket = new WebSocket(target);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  try {
    let nextId = 0;
    const call = (method: string) =>
      new Promise<Record<string, number>>((resolve) => {
        const id = ++nextId;
        const onMessage = (event: MessageEvent) => {
          const reply = JSON.parse(String(event.data));
          if (reply.id !== id) return;
          socket.removeEventListener('message', onMessage);
          resolve(reply.result ?? {});
        };
        socket.addEventListener('message', onMessage);
        socket.send(JSON.stringify({ id, method }));
      });
    await call('HeapProfiler.collectGarbage');
    const usage = await call('Runtime.getHeapUsage');
    if (typeof usage.usedSize !== 'number') throw new Error(`Runtime.getHeapUsage of pid ${pid} gave no usedSize`);
    return Math.round(usage.usedSize / 1024 / 1024);
  } finally {
    socket.close();
  }
}

async function retry<T>(attempt: () => Promise<T>, tries = 40): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
