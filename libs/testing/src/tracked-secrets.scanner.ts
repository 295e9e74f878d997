import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The settings that unlock admin endpoints or patient data: no tracked file may give one a value. */
export const SECRET_SETTINGS = [
  'ADMIN_TOKEN',
  'REPORT_ENCRYPTION_KEYS',
  'REPORT_CONTENT_HMAC_KEY',
  'REPORT_SIGNING_KEYS',
] as const;

export interface SecretFinding {
  file: string;
  line: number;
  /** What was found; never the value itself. */
  kind: string;
}

/**
 * A secret setting (or a constant named after one, e.g. DRILL_ADMIN_TOKEN) given a value:
 * `NAME=value`, `NAME: value`, `NAME = 'value'`. The value is read up to the end of the token.
 */
const ASSIGNMENT = new RegExp(
  `(?<!\\$\\{)\\b(?:[A-Z0-9]+_)*(${SECRET_SETTINGS.join('|')})\\b['"]?\\s*(?:=(?![=>])|:(?!:))\\s*(\\S*)`,
  'g',
);
/** The base64 of 32 bytes (a key): 43 characters and one `=`, standing alone. */
const BASE64_KEY = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])/g;
/** Code, where a bare value is an expression (a variable, a call) rather than a literal. */
const CODE_FILE = /\.(ts|js|mjs|cjs)$/;
/** Files with no text to scan. */
const SKIPPED = /\.(png|jpg|jpeg|gif|ico|pdf|zip|gz)$/;
/**
 * Files not scanned: test code only, and only where it makes secrets at run time in a way the scan
 * cannot tell from a written value. Empty while every generated secret is an expression
 * (`testSecrets().ADMIN_TOKEN`, a template over randomBytes), which the scan already passes.
 */
export const SECRET_SCAN_ALLOWLIST: readonly string[] = [];
/** What counts as test code for the allowlist. */
export const TEST_CODE = /\.(spec|int-spec|e2e-spec)\.ts$|^test\/|^libs\/testing\/|^drills\/|^bench\//;

/** Random base64 of 43 characters holds about 31 distinct ones; filler such as `AAAA…=` a handful. */
function looksRandom(text: string): boolean {
  return new Set(text).size >= 20;
}

/** Whether the text after `NAME=` / `NAME:` is a written-down value (not empty, not a reference). */
function isLiteralValue(raw: string, code: boolean): boolean {
  const value = raw.replace(/[,;)}\]]+$/, '');
  if (value === '' || value.startsWith('#') || value.startsWith('//')) return false;
  // Documentation's placeholders: `REPORT_ENCRYPTION_KEYS=k1:<new>,k0:<old>`.
  if (/<[^<>\s]+>/.test(value)) return false;
  // A shell or compose default is a value all the same: ${ADMIN_TOKEN:-something}.
  if (/^["']?\$\{\w+:?-[^}]/.test(value)) return true;
  // References: ${ADMIN_TOKEN:?…}, $ADMIN_TOKEN, and in code a template that computes the value.
  if (/^["'`]?\$/.test(value) || (code && value.startsWith('`') && value.includes('${'))) return false;
  const quoted = /^(["'`])(.*)\1$/.exec(value) ?? /^(["'`])(.*)$/.exec(value);
  if (quoted) return quoted[2] !== '';
  // In code an unquoted value is an expression: `ADMIN_TOKEN: secrets.ADMIN_TOKEN`, `ADMIN_TOKEN,`.
  return !code;
}

/** Every usable secret written in `text` (the content of `file`), by line. */
export function findSecrets(file: string, text: string): SecretFinding[] {
  if (SECRET_SCAN_ALLOWLIST.includes(file)) return [];
  const code = CODE_FILE.test(file);
  const findings: SecretFinding[] = [];
  text.split('\n').forEach((line, index) => {
    for (const match of line.matchAll(ASSIGNMENT)) {
      if (isLiteralValue(match[2], code)) findings.push({ file, line: index + 1, kind: `${match[1]} given a value` });
    }
    for (const match of line.matchAll(BASE64_KEY)) {
      if (looksRandom(match[0])) findings.push({ file, line: index + 1, kind: 'a 32-byte key in base64' });
    }
  });
  return findings;
}

/** Scans every file git tracks under `root` (as it is in the working tree). */
export function scanTrackedFiles(root: string): SecretFinding[] {
  const files = execFileSync('git', ['ls-files', '-z'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  }).split('\0');
  return files
    .filter((file) => file && !SKIPPED.test(file))
    .flatMap((file) => {
      let text: string;
      try {
        text = readFileSync(join(root, file), 'utf8');
      } catch {
        return []; // deleted in the working tree
      }
      return text.includes('\0') ? [] : findSecrets(file, text);
    });
}

/** `file:line (kind)` for a report line. */
export function describeFinding(finding: SecretFinding): string {
  return `${finding.file}:${finding.line} (${finding.kind})`;
}
