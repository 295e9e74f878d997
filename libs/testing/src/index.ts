export * from './wait-for';
export * from './service-urls';
