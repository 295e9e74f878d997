// Integration and e2e suites need the real services. Fail fast, with the fix, when one is missing.
const net = require('node:net');

const services = [
  ['RabbitMQ', process.env.TEST_RABBITMQ_PORT || 5672],
  ['Redis', process.env.TEST_REDIS_PORT || 6379],
  ['MongoDB (FerretDB)', process.env.TEST_MONGO_PORT || 27017],
  ['Neo4j', process.env.TEST_NEO4J_PORT || 7687],
];

function reachable(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    socket.setTimeout(2000);
    socket.once('connect', () => resolve(socket.destroy() || true));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => resolve(socket.destroy() && false));
  });
}

module.exports = async () => {
  const missing = [];
  for (const [name, port] of services) {
    if (!(await reachable(port))) missing.push(`${name} on 127.0.0.1:${port}`);
  }
  if (missing.length > 0) {
    throw new Error(`Not reachable: ${missing.join(', ')}. Start the services with \`npm run services:up\`.`);
  }
};
