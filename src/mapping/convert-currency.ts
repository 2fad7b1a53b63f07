/**
 * Money in the field's own currency. A CURRENCY field holds amounts in one currency (its
 * definition's `typeConfiguration.currency`), and Lightfield does not convert: `5 EUR` sent to a
 * USD field would land as 5 dollars. So a cell marked with a currency (an ISO code such as `EUR`
 * before or after the amount, or a sign such as `€`, `$`, `US$`) is read only when that is the
 * field's currency; and a mapping that declares a column's bare amounts to be in another currency
 * (`"currency": "EUR"`) makes every such cell invalid instead of landing wrong numbers. A NUMBER
 * field holds plain numbers: a cell marked as money is refused there.
 */
import type { CellConverter, Conversion } from './types.js';

const CODE_BEFORE = /^\s*([A-Z]{3})(?=\s*[-+\u2212(\d.,])/;
const CODE_AFTER = /(?<=[\d.,)])\s*([A-Z]{3})\s*$/;
/** A currency sign, with the letters some exports put before it (`US$`, `CA$`, `R$`). */
const SIGN = /[A-Z]{0,3}\p{Sc}/gu;

export interface MoneyReading {
  /** The field key, for messages. */
  key: string;
  /** The field's currency from its definition; undefined for NUMBER fields, or when definitions do not say. */
  fieldCurrency: string | undefined;
  /** CURRENCY fields. */
  isCurrencyField: boolean;
  /** The mapping's `currency`: what the column's bare amounts are in. */
  declared: string | undefined;
}

/** The refusal of every amount when the mapping declares another currency than the field's; undefined otherwise. */
export function currencyMismatch(reading: MoneyReading): Conversion | undefined {
  const { key, fieldCurrency, declared } = reading;
  if (declared === undefined || fieldCurrency === undefined || declared === fieldCurrency) return undefined;
  return {
    ok: false,
    code: 'currency_mismatch',
    expected:
      `an amount in ${fieldCurrency}, the currency of ${key}: the mapping says this column holds ${declared} amounts ("currency": "${declared}") ` +
      `and Lightfield does not convert currencies; convert the column to ${fieldCurrency} first, or map it to a ${declared} field`,
  };
}

/** Checks a cell's currency marks before `readAmount` reads the number (which takes the marks off). */
export function moneyConverter(reading: MoneyReading, readAmount: CellConverter): CellConverter {
  const { key, fieldCurrency, declared } = reading;
  const mismatch = currencyMismatch(reading);
  if (mismatch !== undefined) return () => mismatch;
  const own = fieldCurrency ?? declared;
  if (!reading.isCurrencyField) {
    return (cell) => {
      const mark = currencyMarks(cell)[0];
      if (mark === undefined) return readAmount(cell);
      return { ok: false, code: 'money_in_number_field', expected: `a plain number: it is marked ${mark}, and ${key} holds numbers, not money` };
    };
  }
  if (own === undefined) return readAmount;
  const accepted = signsOf(own);
  return (cell) => {
    const other = currencyMarks(cell).find((mark) => mark !== own && !accepted.has(mark));
    if (other === undefined) return readAmount(withoutMarks(cell));
    return {
      ok: false,
      code: 'other_currency',
      expected: `an amount in ${own}, the currency of ${key}: it is marked ${other}, and Lightfield does not convert currencies`,
    };
  };
}

/** Whether `code` is an ISO 4217 code the runtime knows. */
export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && Intl.supportedValuesOf('currency').includes(code);
}

/** The currency codes and signs a cell is marked with, in order. */
function currencyMarks(cell: string): string[] {
  const marks: string[] = [];
  const before = CODE_BEFORE.exec(cell)?.[1];
  if (before !== undefined) marks.push(before);
  for (const sign of cell.matchAll(SIGN)) marks.push(sign[0]);
  const after = CODE_AFTER.exec(cell)?.[1];
  if (after !== undefined) marks.push(after);
  return marks;
}

/** The amount alone: `US$ 1,250.50` → ` 1,250.50`. */
function withoutMarks(cell: string): string {
  return cell.replace(SIGN, '').replace(CODE_BEFORE, '').replace(CODE_AFTER, '');
}

/** How amounts in `currency` are written: its sign and narrow sign in English (`$`, `CA$`, `€`), and `US$`-style prefixes. */
function signsOf(currency: string): Set<string> {
  const signs = new Set<string>();
  for (const currencyDisplay of ['symbol', 'narrowSymbol'] as const) {
    try {
      const parts = new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay }).formatToParts(0);
      const sign = parts.find((part) => part.type === 'currency')?.value;
      if (sign !== undefined && sign !== currency) signs.add(sign);
    } catch {
      // A code the runtime does not know: only the code itself marks it.
    }
  }
  for (const sign of [...signs]) {
    if (sign.length === 1) signs.add(`${currency.slice(0, 2)}${sign}`);
  }
  return signs;
}
