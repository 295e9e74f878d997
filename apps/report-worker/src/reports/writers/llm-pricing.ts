/** USD per million tokens (input, output), from OpenAI's public price list; unknown models use gpt-4o-mini's. */
const PRICES: Record<string, [number, number]> = {
  'gpt-4o-mini': [0.15, 0.6],
  'gpt-4o': [2.5, 10],
  'gpt-4.1-mini': [0.4, 1.6],
  'gpt-4.1': [2, 8],
};

export function estimateCostUsd(model: string, promptTokens: number, completionTokens: number): number {
  const key = Object.keys(PRICES)
    .sort((a, b) => b.length - a.length)
    .find((name) => model.startsWith(name));
  const [input, output] = PRICES[key ?? 'gpt-4o-mini'];
  return Math.round(((promptTokens * input + completionTokens * output) / 1e6) * 1e6) / 1e6;
}
