import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DrillResult } from './drill-result';

const START = '<!-- drills:latest:start (written by drills/run-drills.ts) -->';
const END = '<!-- drills:latest:end -->';

interface Summary {
  started_at: string;
  duration_seconds: number;
  machine: { cpus: number; load_average_before: number; load_average_after: number; node: string };
  results: DrillResult[];
}

/**
 * Replaces the generated section of docs/drills.md (between the markers) with the latest table,
 * its date, the machine's load and each drill's notes; the hand-written rest stays as it is.
 */
export function writeDrillsDoc(path: string, table: string, summary: Summary): void {
  const { machine } = summary;
  const section = [
    START,
    `Latest run: ${summary.started_at.slice(0, 16).replace('T', ' ')} UTC, ${Math.round(summary.duration_seconds / 60)} min, ` +
      `${machine.cpus} cores, load average ${machine.load_average_before.toFixed(1)} before / ${machine.load_average_after.toFixed(1)} after (shared machine), Node ${machine.node}.`,
    '',
    table,
    '',
    ...summary.results.flatMap((r) => [`- **${r.drill}**: ${r.notes.join('; ')}`]),
    END,
  ].join('\n');
  const current = existsSync(path) ? readFileSync(path, 'utf8') : `# Fault drills\n\n${START}\n${END}\n`;
  const from = current.indexOf(START);
  const to = current.indexOf(END);
  const next =
    from >= 0 && to > from
      ? `${current.slice(0, from)}${section}${current.slice(to + END.length)}`
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
}
