// Phone numbers as Signal takes them.

/** E.164: `+`, a country code not starting with 0, at most 15 digits in all (ITU-T E.164 §6.2.1). */
export function isE164(number: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(number);
}
