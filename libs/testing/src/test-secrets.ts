import { randomBytes } from 'node:crypto';

/** The secrets the apps refuse to start without; no test, drill or bench writes one down. */
export interface TestSecrets {
  ADMIN_TOKEN: string;
  REPORT_ENCRYPTION_KEYS: string;
  REPORT_CONTENT_HMAC_KEY: string;
}

/** `k` + the UTC date + 4 random hex digits, as `npm start` names a key it generates. */
function keyId(): string {
  return `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}${randomBytes(2).toString('hex')}`;
}

/** A fresh set, random on every call, in the formats the settings validate. */
export function testSecrets(): TestSecrets {
  return {
    ADMIN_TOKEN: randomBytes(32).toString('base64url'),
    REPORT_ENCRYPTION_KEYS: `${keyId()}:${randomBytes(32).toString('base64')}`,
    REPORT_CONTENT_HMAC_KEY: randomBytes(32).toString('base64'),
  };
}

/**
 * Sets each secret that `env` lacks (unset or empty) to a freshly generated one and returns the
 * secrets now in `env`, so every app started from it, in this process or spawned, shares them.
 */
export function provideTestSecrets(env: NodeJS.ProcessEnv = process.env): TestSecrets {
  const fresh = testSecrets();
  for (const name of Object.keys(fresh) as Array<keyof TestSecrets>) {
    if (!env[name]) env[name] = fresh[name];
  }
  return {
    ADMIN_TOKEN: env.ADMIN_TOKEN!,
    REPORT_ENCRYPTION_KEYS: env.REPORT_ENCRYPTION_KEYS!,
    REPORT_CONTENT_HMAC_KEY: env.REPORT_CONTENT_HMAC_KEY!,
  };
}
