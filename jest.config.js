// Three suites, one config: `jest --selectProjects unit|integration|e2e`.
const moduleNameMapper = {
  '^@app/(common|contracts|config|crypto|messaging|mongo|processors|testing|tracing)(/.*)?$': '<rootDir>/libs/$1/src$2',
};
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
    },
  ],
};
// The OTLP exporter loads node:http with a dynamic import(), which Jest's CommonJS runtime refuses
// (it needs --experimental-vm-modules); compiled by swc like our code, it becomes a require().
const OTLP_EXPORTER_BASE = '/node_modules/@opentelemetry/otlp-exporter-base/';
transform[`${OTLP_EXPORTER_BASE}.+\\.js$`] = transform['^.+\\.ts$'];
// reflect-metadata first: class-transformer's @Type and Nest's decorators read design-time types.
const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['reflect-metadata'],
  transform,
  transformIgnorePatterns: [`/node_modules/(?!${OTLP_EXPORTER_BASE.slice('/node_modules/'.length)})`],
  moduleNameMapper,
};

module.exports = {
  reporters: ['default', '<rootDir>/test/summary.reporter.js'],
  projects: [
    // test/unit: specs across both apps (the observability files in deploy/ against both registries).
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/services.global-setup.js',
      setupFiles: [...base.setupFiles, '<rootDir>/test/service-credentials.setup.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/services.global-setup.js',
      setupFiles: [...base.setupFiles, '<rootDir>/test/service-credentials.setup.ts'],
    },
  ],
};
