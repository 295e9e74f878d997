import { INestApplicationContext, LoggerService } from '@nestjs/common';
import { exitCleanlyOnSignals } from './graceful-exit';

describe('exitCleanlyOnSignals', () => {
  const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() } as unknown as LoggerService;
  let exit: jest.SpyInstance;

  beforeEach(() => {
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
    exitCleanlyOnSignals({ close: () => new Promise(() => undefined) } as unknown as INestApplicationContext, logger, 1000);
    process.emit('SIGTERM');
    jest.advanceTimersByTime(999);
    expect(exit).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(exit).toHaveBeenCalledWith(1);
  });
});
