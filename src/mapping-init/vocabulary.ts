/**
 * The words CRM exports use for the same things. Column names and option labels are compared in
 * their {@link words} form (lower case, accents and punctuation dropped), so entries here are
 * written that way too: `close date`, not `Close Date`.
 *
 * Kept as data so that a missed export header is a one-line fix.
 */

/**
 * Other names of a field, keyed by the field's label or key in words form (`close date`,
 * `next step`). English first, then German, the two languages of the exports seen so far.
 */
export const FIELD_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  name: ['deal name', 'opportunity name', 'potential name', 'title', 'deal title', 'subject', 'topic', 'opportunity', 'deal', 'bezeichnung', 'titel', 'vorgang', 'verkaufschance'],
  stage: ['deal stage', 'pipeline stage', 'sales stage', 'opportunity stage', 'phase', 'stage name', 'verkaufsphase', 'phase name', 'stufe'],
  amount: ['value', 'deal value', 'deal size', 'size', 'deal amount', 'opportunity amount', 'revenue', 'expected revenue', 'total', 'price', 'betrag', 'wert', 'volumen', 'umsatz', 'summe'],
  'close date': ['expected close', 'expected close date', 'expected closing date', 'closing date', 'close', 'closed on', 'close on', 'estimated close date', 'est close date', 'target close date', 'abschlussdatum', 'erwarteter abschluss', 'erwartetes abschlussdatum', 'abschluss'],
  probability: ['win probability', 'probability percent', 'chance', 'likelihood', 'wahrscheinlichkeit'],
  priority: ['label', 'deal label', 'rating', 'temperature', 'importance', 'prioritat'],
  tags: ['labels', 'categories', 'keywords', 'schlagworter'],
  'next step': ['next steps', 'next action', 'nachster schritt'],
  'is renewal': ['renewal', 'deal type', 'type', 'opportunity type', 'business type', 'art'],
  source: ['lead source', 'deal source', 'origin', 'quelle', 'herkunft'],
  website: ['url', 'web', 'homepage', 'webseite'],
  'contact emails': ['contact email', 'email', 'e mail', 'contact e mail'],
  phone: ['telephone', 'phone number', 'telefon', 'telefonnummer'],
  'billing address': ['address', 'billing street', 'rechnungsadresse', 'adresse'],
  'primary contact': ['contact', 'contact name', 'contact person', 'ansprechpartner', 'kontakt'],
  'legacy id': ['external id', 'source id', 'crm id', 'original id'],
};

/** Names of a column holding the account's name (for the `$account` lookup by `$name`). */
export const ACCOUNT_NAME_PHRASES: readonly string[] = [
  'account', 'account name', 'company', 'company name', 'associated company', 'organization', 'organisation',
  'organization name', 'organisation name', 'org', 'customer', 'customer name', 'client', 'client name',
  'firma', 'unternehmen', 'kunde', 'kundenname', 'firmenname',
];

/** Names of a column holding the account's website (for the `$account` lookup by `$website`). */
export const ACCOUNT_WEBSITE_PHRASES: readonly string[] = [
  'account website', 'account domain', 'company website', 'company domain', 'organization website',
  'organisation website', 'customer website', 'account url', 'company url', 'firmenwebseite',
];

/** Website columns without an owner word: the account's only when no account-name column exists. */
export const BARE_WEBSITE_PHRASES: readonly string[] = ['website', 'domain', 'web', 'url', 'webseite'];

/** Other names of the `$owner` relationship (columns of member email addresses). */
export const OWNER_PHRASES: readonly string[] = [
  'deal owner', 'opportunity owner', 'assigned to', 'assigned user', 'assignee', 'sales rep', 'rep',
  'salesperson', 'account manager', 'responsible', 'user', 'verantwortlich', 'zustandig', 'bearbeiter', 'besitzer', 'vertriebler',
];

/** Words that say a column holds email addresses, dropped when comparing its name: `Owner Email` is the owner. */
export const EMAIL_WORDS: ReadonlySet<string> = new Set(['email', 'e', 'mail', 'address', 'adresse']);

/** Words of the exported object that exports put before column names (`Deal - Title`, `Opportunity ID`). */
export const OBJECT_WORDS: ReadonlySet<string> = new Set(['deal', 'deals', 'opportunity', 'opportunities', 'opp', 'potential', 'potentials', 'verkaufschance']);

/** Words an identity column's name is made of (after the object words): `Record ID`, `Deal - ID`, `Nr.`. */
export const ID_NAME_WORDS: ReadonlySet<string> = new Set(['id', 'ids', 'record', 'key', 'number', 'no', 'nr', 'num', 'ref', 'reference', 'uid', 'uuid', 'guid', 'crm', 'crmid', 'external', 'legacy', 'source', 'row', 'entity', 'code', 'nummer']);

/** At least one of these makes a name an identifier rather than, say, `Record Source`. */
export const ID_CORE_WORDS: ReadonlySet<string> = new Set(['id', 'ids', 'key', 'number', 'no', 'nr', 'num', 'ref', 'reference', 'uid', 'uuid', 'guid', 'crmid', 'code', 'nummer']);

/** Words that, with an id word, mark a field as the source record's ID (`Legacy ID`, `External ID`). */
export const LEGACY_WORDS: ReadonlySet<string> = new Set(['legacy', 'external', 'source', 'original', 'import', 'crm', 'old', 'alt']);

/**
 * What select option labels mean, across CRMs: a cell and an option that share a meaning are
 * matched (`Contract Sent` → `Negotiation`, `Hot` → `High`). Each meaning lists the words that carry it.
 */
export const OPTION_MEANINGS: Readonly<Record<string, readonly string[]>> = {
  prospecting: ['prospecting', 'prospect', 'lead', 'leads', 'new', 'appointment', 'appointmentscheduled', 'initial', 'identified', 'erstkontakt', 'neu'],
  qualification: ['qualification', 'qualify', 'qualified', 'qualifiedtobuy', 'discovery', 'contact', 'contacted', 'demo', 'needs', 'analysis', 'qualifizierung', 'qualifiziert', 'bedarfsanalyse'],
  proposal: ['proposal', 'proposition', 'propose', 'quote', 'quotation', 'presentation', 'presentationscheduled', 'pricing', 'price', 'offer', 'decision', 'angebot'],
  negotiation: ['negotiation', 'negotiations', 'negotiate', 'contract', 'contractsent', 'review', 'commit', 'verhandlung', 'vertrag'],
  won: ['won', 'win', 'closedwon', 'signed', 'gewonnen'],
  lost: ['lost', 'closedlost', 'dead', 'verloren', 'abgesagt'],
  high: ['high', 'hot', 'urgent', 'critical', 'hoch', 'dringend'],
  medium: ['medium', 'warm', 'normal', 'mittel'],
  low: ['low', 'cold', 'niedrig', 'gering'],
};

/** Checkbox cells: words that mean yes / no whatever the field. */
export const YES_WORDS: readonly string[] = ['yes', 'true', 'ja', 'wahr', 'checked', 'x'];
export const NO_WORDS: readonly string[] = ['no', 'false', 'nein', 'falsch', 'unchecked'];

/** Words that mean yes for a checkbox labelled with the key (`renewal`: an existing customer's deal is one). */
export const CHECKBOX_YES_WORDS: Readonly<Record<string, readonly string[]>> = {
  renewal: ['renewal', 'renew', 'existing', 'upgrade', 'upsell', 'bestandskunde', 'verlangerung'],
};
/** And words that mean no for it. */
export const CHECKBOX_NO_WORDS: Readonly<Record<string, readonly string[]>> = {
  renewal: ['new', 'neu', 'neukunde'],
};

/**
 * Lower case, accents and punctuation dropped, camelCase split, `#` read as "number":
 * `Deal - Expected close date` → `deal expected close date`, `Deal #` → `deal number`.
 */
export function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/#/g, ' number ')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** The letters and digits alone: `Closed Won` and `closedwon` are the same. */
export function looseForm(text: string): string {
  return words(text).join('');
}

/**
 * Whether `word` occurs in a text given as its words and loose form: as a word, inside the loose
 * form when long enough to be safe (`decision` in `decisionmakerboughtin`), or at its start or end
 * (`won` in `closedwon`, `new` in `newbusiness`).
 */
export function mentions(textWords: readonly string[], textLoose: string, word: string): boolean {
  if (textWords.includes(word)) return true;
  if (word.length >= 5 && textLoose.includes(word)) return true;
  return word.length >= 3 && (textLoose.startsWith(word) || textLoose.endsWith(word));
}
