import { UnparsedMessage } from './unparsed-message';

/** A message body larger than the consumer takes (see UnparsedMessage). */
export class OversizedMessage extends UnparsedMessage {
  constructor(
    readonly bytes: number,
    readonly limitBytes: number,
  ) {
    super();
  }

  /** The body as a stand-in when it is over `limitBytes`, else undefined (parse it). */
  static check(body: Buffer, limitBytes: number): OversizedMessage | undefined {
    return body.length > limitBytes ? new OversizedMessage(body.length, limitBytes) : undefined;
  }

  get problem(): string {
    return `body: ${this.bytes} bytes, more than the ${this.limitBytes} allowed (not parsed)`;
  }
}
