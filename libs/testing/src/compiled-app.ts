import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where `nest build <app>` writes an app's source file: `apps/<app>/src/….ts` under `root` becomes
 * `dist/apps/<app>/apps/<app>/src/….js`. Drills and benchmarks run that file, as production does.
 */
export function compiledAppEntry(root: string, entry: string): string {
  const [, app] = entry.split('/');
  const file = join(root, 'dist/apps', app, entry.replace(/\.ts$/, '.js'));
  if (!existsSync(file)) throw new Error(`${file} is not built: run \`npm run build\``);
  return file;
}
