// Time arithmetic for the SLA tests: explicit instants and durations in ms.
export const MIN = 60_000;
export const H = 60 * MIN;

/** An ISO time as epoch ms; a typo in a test date fails loudly instead of becoming NaN. */
export const at = (text: string): number => {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`bad test date ${text}`);
  return ms;
};

export const iso = (ms: number): string => new Date(ms).toISOString();
