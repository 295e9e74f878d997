import { serviceUrls } from '../libs/testing/src/service-urls';
import { provideTestSecrets } from '../libs/testing/src/test-secrets';

// The apps carry no credentials in code. Apps a spec boots, in this process or spawned (they
// inherit the environment), get the local stack's from here, as a deployment gets its own.
process.env.NEO4J_PASSWORD ??= serviceUrls.neo4jPassword;
// ...and secrets made for this spec file: the admin token and the report worker's keys, shared
// by every app it starts (workers of one spec must open what the others sealed).
provideTestSecrets(process.env);
