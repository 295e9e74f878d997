export * from './wait-for';
export * from './service-urls';
export * from './tcp-outage.proxy';
export * from './app-process';
export * from './http-probe';
export * from './with-env';
