export * from './wait-for';
export * from './service-urls';
export * from './tcp-outage.proxy';
