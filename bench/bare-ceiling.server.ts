/**
 * The ceiling POST /events is measured against: a bare node:http server that publishes each
 * request body, persistent, to the same fanout exchange on a confirm channel and answers 202 once
 * the broker confirmed it. No framework, no validation: what this machine and broker allow.
 *   BENCH_PORT=9100 BENCH_EXCHANGE=events RABBITMQ_URL=amqp://... node bare-ceiling.server.js
 */
import { connect } from 'amqplib';
import { createServer } from 'node:http';

async function main(): Promise<void> {
  const connection = await connect(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  const channel = await connection.createConfirmChannel();
  const exchange = process.env.BENCH_EXCHANGE ?? 'events';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      channel.publish(
        exchange,
        '',
        Buffer.concat(chunks),
        { persistent: true, contentType: 'application/json' },
        (error) => {
          res
            .writeHead(error ? 503 : 202, { 'content-type': 'application/json' })
            .end(error ? '{"error":"nack"}' : '{"ok":true}');
        },
      );
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.BENCH_PORT ?? 9100), '127.0.0.1', () => process.stdout.write('ceiling listening\n'));
  process.once('SIGTERM', () => {
    server.close();
    void connection.close().finally(() => process.exit(0));
  });
}

void main();
