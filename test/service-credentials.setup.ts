import { serviceUrls } from '../libs/testing/src/service-urls';

// The apps carry no credentials in code. Apps a spec boots, in this process or spawned (they
// inherit the environment), get the local stack's from here, as a deployment gets its own.
process.env.NEO4J_PASSWORD ??= serviceUrls.neo4jPassword;
