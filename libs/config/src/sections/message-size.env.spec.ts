import { validateSettings } from '../settings.validation';
import { MessageSizeEnv } from './message-size.env';

describe('MessageSizeEnv', () => {
  it("defaults to the request contract's 1 MiB and may only lower it", () => {
    expect(validateSettings(MessageSizeEnv, {}).REPORT_MAX_MESSAGE_BYTES).toBe(1024 * 1024);
    expect(validateSettings(MessageSizeEnv, { REPORT_MAX_MESSAGE_BYTES: '4096' }).REPORT_MAX_MESSAGE_BYTES).toBe(4096);
    expect(() => validateSettings(MessageSizeEnv, { REPORT_MAX_MESSAGE_BYTES: String(1024 * 1024 + 1) })).toThrow(
      /^Invalid setting REPORT_MAX_MESSAGE_BYTES \(got "1048577"\): REPORT_MAX_MESSAGE_BYTES must be a whole number from 1024 to 1048576$/,
    );
  });
});
