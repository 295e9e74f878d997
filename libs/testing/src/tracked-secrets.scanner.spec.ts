import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  describeFinding,
  findSecrets,
  scanTrackedFiles,
  SECRET_SCAN_ALLOWLIST,
  TEST_CODE,
} from './tracked-secrets.scanner';

const ROOT = join(__dirname, '../../..');
/** Made here at run time: this file must hold no written-down secret either. */
const key = () => randomBytes(32).toString('base64');
const token = () => randomBytes(24).toString('base64url');

describe('tracked secrets scan', () => {
  it('finds no usable token or key in any file git tracks', () => {
    expect(scanTrackedFiles(ROOT).map(describeFinding)).toEqual([]);
  });

  it.each([
    ['.env', `ADMIN_TOKEN=${token()}`, 'ADMIN_TOKEN given a value'],
    ['.env', `REPORT_ENCRYPTION_KEYS=k1:${key()}   # rotated`, 'REPORT_ENCRYPTION_KEYS given a value'],
    ['docker-compose.yml', `  ADMIN_TOKEN: \${ADMIN_TOKEN:-${token()}}`, 'ADMIN_TOKEN given a value'],
    ['test/a.int-spec.ts', `const DRILL_ADMIN_TOKEN = '${token()}';`, 'ADMIN_TOKEN given a value'],
    ['apps/a.ts', `env({ REPORT_CONTENT_HMAC_KEY: "${key()}" })`, 'REPORT_CONTENT_HMAC_KEY given a value'],
    ['README.md', `run it with \`ADMIN_TOKEN=${token()} npm start\``, 'ADMIN_TOKEN given a value'],
  ])('finds a planted setting in %s', (file, line, kind) => {
    expect(findSecrets(file, `first line\n${line}\n`)).toEqual(expect.arrayContaining([{ file, line: 2, kind }]));
  });

  it('finds a planted 32-byte key in a string, whatever it is called', () => {
    expect(findSecrets('libs/a.ts', `const fixture = { sealedWith: '${key()}' };`)).toEqual([
      { file: 'libs/a.ts', line: 1, kind: 'a 32-byte key in base64' },
    ]);
  });

  it.each([
    ['.env.example', 'ADMIN_TOKEN=                        # npm start generates it'],
    ['docker-compose.yml', '  ADMIN_TOKEN: ${ADMIN_TOKEN:?set ADMIN_TOKEN in .env (npm start generates one)}'],
    ['test/a.int-spec.ts', "workerEnv = { ADMIN_TOKEN: '', EVENTS_TOPOLOGY_PREFIX: scope };"],
    ['test/a.int-spec.ts', 'const env = { ADMIN_TOKEN: testSecrets().ADMIN_TOKEN, REPORT_CONTENT_HMAC_KEY };'],
    ['libs/a.ts', "REPORT_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,"],
    ['libs/a.ts', 'ADMIN_TOKEN: string;'],
    ['README.md', 'make one with `ADMIN_TOKEN=$(openssl rand -base64 32)`'],
    ['docs/a.md', 'put it first: `REPORT_ENCRYPTION_KEYS=k20270101ab12:<new>,k20260101cd34:<old>`.'],
    ['docs/a.md', `an integrity hash: sha256-${key()}`],
    ['docs/a.md', `filler: ${'A'.repeat(43)}=`],
  ])('passes a reference, an empty or generated value, or a non-key in %s', (file, line) => {
    expect(findSecrets(file, line)).toEqual([]);
  });

  it('allowlists test code only', () => {
    expect(SECRET_SCAN_ALLOWLIST.filter((file) => !TEST_CODE.test(file))).toEqual([]);
  });
});
