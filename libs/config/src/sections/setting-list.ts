/** The entries of a comma-separated setting, trimmed, empty ones left out. */
export function settingList(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}
