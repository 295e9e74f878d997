/** Thrown when the environment does not describe a runnable app; its message is one line per bad setting. */
export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'SettingsError';
  }
}
