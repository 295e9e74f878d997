import { readFileSync } from 'node:fs';
import { SettingsError } from './settings.error';

/** What this needs of a ConfigService, whatever settings class it is typed with. */
export interface SettingsReader {
  get(name: string): unknown;
}

/** PEM contents for a TLS client: the CAs to verify the server with, the client certificate and its key. */
export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** The names of the settings that hold one service's TLS file paths. */
export interface TlsFileSettings {
  ca: string;
  cert?: string;
  key?: string;
}

/**
 * Reads the files one service's TLS settings name, once, when its connection is built; unset
 * settings are left out. Settings validation has checked each file at boot; one that has gone
 * since is reported the same way.
 */
export function readTlsFiles(config: SettingsReader, settings: TlsFileSettings): TlsFiles {
  const files: TlsFiles = {};
  for (const part of ['ca', 'cert', 'key'] as const) {
    const name = settings[part];
    const path = name ? config.get(name) : undefined;
    if (name && typeof path === 'string' && path !== '') files[part] = readSettingFile(name, path);
  }
  return files;
}

function readSettingFile(name: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new SettingsError([`Invalid setting ${name} (got "${path}"): cannot read it (${reason})`]);
  }
}
