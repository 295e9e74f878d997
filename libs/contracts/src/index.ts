export * from './report-queues.constants';
export * from './event-queues.constants';
