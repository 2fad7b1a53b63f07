/**
 * Telephone normalisation as the API describes it: a leading `+` must be E.164, otherwise the number is tried
 * as a US number, then as a 7–15 digit local number; extensions (`x100`, `ext:100`, `#100`) become `;ext=100`.
 */

const EXTENSION = /\s*(?:ext(?:ension)?\.?\s*:?|x|#)\s*(\d{1,6})\s*$/i;
const FORMATTING_ONLY = /^\+?[\d\s().\-/]+$/;
const US_NUMBER = /^[2-9]\d{2}[2-9]\d{6}$/;

/** The normalised number, or `undefined` when the text is not a telephone number. */
export function normalizeTelephone(input: string): string | undefined {
  let text = input.trim();
  let extension = '';
  const extensionMatch = EXTENSION.exec(text);
  if (extensionMatch) {
    extension = `;ext=${extensionMatch[1] ?? ''}`;
    text = text.slice(0, extensionMatch.index);
  }
  if (!FORMATTING_ONLY.test(text)) return undefined;
  const digits = text.replace(/\D/g, '');
  if (text.startsWith('+')) {
    const isE164 = digits.length >= 8 && digits.length <= 15 && !digits.startsWith('0');
    return isE164 ? `+${digits}${extension}` : undefined;
  }
  if (US_NUMBER.test(digits)) return `+1${digits}${extension}`;
  if (digits.length === 11 && digits.startsWith('1') && US_NUMBER.test(digits.slice(1))) return `+${digits}${extension}`;
  if (digits.length >= 7 && digits.length <= 15) return `${digits}${extension}`;
  return undefined;
}
