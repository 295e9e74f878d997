#!/usr/bin/env node
// Writes every secret the apps need and the env file lacks (no line, or an empty value) into it:
// `node scripts/secrets/ensure-env-secrets.mjs [FILE]` (default .env; `npm start` runs it). A value
// already set is never changed, so running it again changes nothing. Prints one line per setting
// it generated, naming it, never the value. Only node:crypto: it runs before `npm install`.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2] ?? '.env';

/** `k` + the UTC date + 4 random hex digits: a key id that says when the key was made. */
const keyId = () => `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}${randomBytes(2).toString('hex')}`;

const generators = {
  ADMIN_TOKEN: () => randomBytes(32).toString('base64url'),
  // The first key of the list is the current one; a rotation puts a new key in front.
  REPORT_ENCRYPTION_KEYS: () => `${keyId()}:${randomBytes(32).toString('base64')}`,
  REPORT_CONTENT_HMAC_KEY: () => randomBytes(32).toString('base64'),
};
/** Placeholders seen in example files: anyone can read them, so they count as not set. */
const PLACEHOLDERS = new Set(['change-me-to-a-long-random-token']);

/** `NAME=value  # comment` → the value, unquoted, without the comment (as node's parseEnv reads it). */
function valueOf(rest) {
  const text = rest.trim();
  const quoted = /^(["'`])(.*?)\1/.exec(text);
  return quoted
    ? quoted[2]
    : text
        .replace(/\s+#.*$/, '')
        .replace(/^#.*$/, '')
        .trim();
}

const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
const generated = [];
for (const [name, generate] of Object.entries(generators)) {
  const pattern = new RegExp(`^(\\s*(?:export\\s+)?${name}\\s*=)(.*)$`);
  const indexes = lines.flatMap((line, index) => (pattern.test(line) ? [index] : []));
  // As with the loader, the last line naming the setting wins.
  const last = indexes.at(-1);
  const current = last === undefined ? '' : valueOf(pattern.exec(lines[last])[2]);
  if (current !== '' && !PLACEHOLDERS.has(current)) continue;
  const value = generate();
  if (last === undefined) {
    lines.splice(lines.at(-1) === '' ? lines.length - 1 : lines.length, 0, `${name}=${value}`);
  } else {
    const [, head, rest] = pattern.exec(lines[last]);
    const comment = /\s+#.*$/.exec(rest)?.[0] ?? '';
    lines[last] = `${head}${value}${comment}`;
  }
  generated.push(current === '' ? name : `${name} (in place of a published placeholder)`);
}

if (generated.length > 0) {
  if (lines.at(-1) !== '') lines.push('');
  writeFileSync(file, lines.join('\n'), { mode: 0o600 });
  chmodSync(file, 0o600); // it holds secrets now: readable by its owner only
  for (const name of generated) console.log(`generated ${name} in ${file}`);
}
