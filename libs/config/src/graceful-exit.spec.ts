import { INestApplicationContext, LoggerService } from '@nestjs/common';
import { exitCleanlyOnSignals, SAME_STOP_REQUEST_MS } from './graceful-exit';

describe('exitCleanlyOnSignals', () => {
  const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() } as unknown as LoggerService;
  let exit: jest.SpyInstance;
  const closingForever = () => {
    const close = jest.fn(() => new Promise<void>(() => undefined));
    exitCleanlyOnSignals({ close } as unknown as INestApplicationContext, logger, 60_000);
    return close;
  };

  // As Node delivers a signal: the listener gets its name.
  const send = (signal: NodeJS.Signals) => process.emit(signal, signal);

  beforeEach(() => {
    jest.clearAllMocks();
    jest.useFakeTimers();
    exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
  });

  afterEach(() => {
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
    exit.mockRestore();
    jest.useRealTimers();
  });

  it('exits 0 once the app has closed', async () => {
    exitCleanlyOnSignals({ close: () => Promise.resolve() } as unknown as INestApplicationContext, logger, 1000);
    process.emit('SIGTERM');
    await Promise.resolve();
    await Promise.resolve();
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('exits 1 when closing never finishes within the deadline', () => {
    exitCleanlyOnSignals(
      { close: () => new Promise(() => undefined) } as unknown as INestApplicationContext,
      logger,
      1000,
    );
    process.emit('SIGTERM');
    jest.advanceTimersByTime(999);
    expect(exit).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('reads a SIGTERM right after a SIGINT as the same stop request (Ctrl-C under npm start) and keeps draining', () => {
    const close = closingForever();
    send('SIGINT');
    jest.advanceTimersByTime(20);
    send('SIGTERM');
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();
    expect(logger.log).toHaveBeenCalledWith(
      'SIGTERM 20 ms after SIGINT: the same stop request, still closing',
      'Shutdown',
    );
  });

  it('reads a copy of the same signal within the window as the same request too', () => {
    const close = closingForever();
    send('SIGINT');
    send('SIGINT');
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();
  });

  it('exits 1 at once when a signal is repeated after the window', () => {
    closingForever();
    send('SIGINT');
    jest.advanceTimersByTime(SAME_STOP_REQUEST_MS + 1);
    send('SIGINT');
    expect(exit).toHaveBeenCalledWith(1);
    expect(logger.warn).toHaveBeenCalledWith(
      `SIGINT ${SAME_STOP_REQUEST_MS + 1} ms after SIGINT: exiting without waiting`,
      'Shutdown',
    );
  });
});
