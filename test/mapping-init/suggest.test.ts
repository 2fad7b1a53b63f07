/**
 * `mapping init`'s guesses on small tables: which column becomes which field or relationship,
 * how its cells are read, what the report asks the user to check. Every suggested mapping
 * compiles against the definitions (the helper checks it on every call).
 */
import { describe, expect, test } from '@jest/globals';
import { ACCOUNT_PLACEHOLDER } from '../../src/mapping-init/index.js';
import { fieldSpec, suggest, targetOf } from './suggest-helpers.js';

const EMAILS = ['ada.lovelace@example.com', 'grace.hopper@example.com', 'alan.turing@example.com'];

describe('columns matched by name, label and synonym', () => {
  test.each<[string, string[], string]>([
    ['Amount', ['48000', '12500.5', '7200'], 'fields.amount'],
    ['Value', ['48000', '12500.5', '7200'], 'fields.amount'],
    ['Deal Size', ['$48,000', '$12,500', '$7,200'], 'fields.amount'],
    ['Deal - Value', ['8.400,00', '1.250,00', '95.000,00'], 'fields.amount'],
    ['Betrag', ['8.400,00', '1.250,00', '95.000,00'], 'fields.amount'],
    ['Amout', ['48000', '12500.5', '7200'], 'fields.amount'],
    ['Close Date', ['2026-11-30', '2026-12-15', '2027-01-31'], 'fields.closeDate'],
    ['Expected Close', ['2026-11-30', '2026-12-15', '2027-01-31'], 'fields.closeDate'],
    ['Deal - Expected close date', ['2026-11-30', '2026-12-15', '2027-01-31'], 'fields.closeDate'],
    ['closeDate', ['2026-11-30', '2026-12-15', '2027-01-31'], 'fields.closeDate'],
    ['Probability (%)', ['80', '10', '60'], 'fields.probability'],
    ['Next Step', ['Call', 'Send proposal', ''], 'fields.nextStep'],
    ['Lead Source', ['Web', 'Cold Call', 'Partner'], 'fields.source'],
    ['Assigned To', EMAILS, 'relationships.$owner'],
    ['Deal Owner', EMAILS, 'relationships.$owner'],
    ['Opportunity Owner Email', EMAILS, 'relationships.$owner'],
    ['Owner', EMAILS, 'relationships.$owner'],
  ])('%j → %s', (column, cells, target) => {
    expect(targetOf(suggest({ [column]: cells }), column)).toBe(target);
  });

  test.each<[string, string]>([
    ['Name', 'fields.$name'],
    ['Deal Name', 'fields.$name'],
    ['Opportunity Name', 'fields.$name'],
    ['Deal - Title', 'fields.$name'],
    ['Potential Name', 'fields.$name'],
  ])('%j → %s', (column, target) => {
    const suggestion = suggest({ [column]: ['Initech renewal', 'Hooli pilot'], Stage: ['Proposal', 'Proposal'], Company: ['Initech', 'Hooli'] }, { base: false });
    expect(targetOf(suggestion, column)).toBe(target);
  });

  test.each<[string, string]>([
    ['Stage', 'fields.$stage'],
    ['Deal Stage', 'fields.$stage'],
    ['Pipeline Stage', 'fields.$stage'],
    ['Sales Stage', 'fields.$stage'],
  ])('%j → %s', (column, target) => {
    const suggestion = suggest({ 'Deal Name': ['A', 'B'], [column]: ['Proposal', 'Closed Won'], Company: ['Initech', 'Hooli'] }, { base: false });
    expect(targetOf(suggestion, column)).toBe(target);
  });

  test('an exact name wins over a synonym: "Name" is $name even after "Deal Name"', () => {
    const suggestion = suggest({ 'Deal Name': ['x', 'y'], Name: ['Initech renewal', 'Hooli pilot'], Stage: ['Proposal', 'Proposal'], Company: ['Initech', 'Hooli'] }, { base: false });
    expect(targetOf(suggestion, 'Name')).toBe('fields.$name');
    expect(suggestion.report.unmatched).toContainEqual({ column: 'Deal Name', reason: undefined });
  });

  test('matches carry a confidence and a reason', () => {
    const { report } = suggest({ 'Deal Size': ['$48,000', '$12,500'], Amout: [] }, {});
    expect(report.matches).toContainEqual(expect.objectContaining({ target: 'fields.amount', column: 'Deal Size', confidence: 'high', reason: 'a usual name for "Amount"' }));
    expect(report.matches).toContainEqual(expect.objectContaining({ target: 'fields.$name', column: 'Deal Name', confidence: 'high' }));
  });

  test('a column named like nothing is reported unmatched', () => {
    const { report } = suggest({ 'Deal - Currency': ['EUR', 'EUR'] });
    expect(report.unmatched).toEqual([{ column: 'Deal - Currency', reason: undefined }]);
  });
});

describe('a name that fits is not enough: the cells must fit too', () => {
  test.each<[string, string[], string]>([
    ['Amount', ['lots', 'a few', 'none'], 'named like amount ("Amount"), but its cells are not numbers ("lots", "a few", "none")'],
    ['Close Date', ['soon', 'later', 'never'], 'named like closeDate ("Close Date"), but its cells are not dates in a format it knows'],
    ['Assigned To', ['', ''], 'named like $owner ("Owner"), but empty in every sampled row'],
    ['Is Renewal', ['maybe', 'perhaps'], 'named like isRenewal ("Is Renewal"), but it is unclear which cells mean true: "maybe", "perhaps"'],
  ])('%j with %j is not mapped, and the report says why', (column, cells, reason) => {
    const suggestion = suggest({ [column]: cells });
    expect(targetOf(suggestion, column)).toBeUndefined();
    expect(suggestion.report.unmatched).toContainEqual({ column, reason: expect.stringContaining(reason) });
  });
});

describe('reading options detected from the cells', () => {
  test.each<[string[], string, string | undefined]>([
    [['31.12.2026', '01.02.2027'], ',', 'dd.MM.yyyy'],
    [['11/30/2026', '2/15/2027', '12/31/2026'], ',', 'M/d/yyyy'],
    [['11/30/2026', '12/15/2026'], ',', 'MM/dd/yyyy'],
    [['21/01/2026', '14/02/2026'], ';', 'dd/MM/yyyy'],
    [['21/01/2026', '14/02/2026'], ',', 'dd/MM/yyyy'],
    [['2026-11-30 00:00', '2026-12-15 14:30'], ',', 'yyyy-MM-dd HH:mm'],
    [['Nov 30, 2026', 'Oct 2, 2026'], ',', 'MMM d, yyyy'],
    [['2026-11-30T10:00:00+01:00', '2026-12-01T08:30:00Z'], ',', undefined],
    [['01/02/2026', '03/04/2026'], ',', 'MM/dd/yyyy'],
    [['01/02/2026', '03/04/2026'], ';', 'dd/MM/yyyy'],
  ])('dates %j (delimiter %j) → format %j', (cells, delimiter, format) => {
    const spec = fieldSpec(suggest({ 'Close Date': cells }, { delimiter }), 'closeDate');
    expect(spec).toMatchObject({ column: 'Close Date', timezone: 'UTC' });
    expect(spec?.format).toBe(format);
  });

  test('a day/month order that the sample cannot settle is reported as a guess', () => {
    const { report } = suggest({ 'Close Date': ['01/02/2026', '03/04/2026'] });
    expect(report.toCheck).toContainEqual('fields.closeDate.format: "MM/dd/yyyy" is a guess: every sampled date also reads as "dd/MM/yyyy" (no day above 12)');
  });

  test('placeholder dates are pointed out, with the two ways to handle them', () => {
    const { report } = suggest({ 'Close Date': ['31.12.2026', '31.12.3999', '01.02.2027'] });
    expect(report.toCheck).toContainEqual(expect.stringContaining('fields.closeDate: "31.12.3999" looks like a placeholder for "no date": add it to "nullValues"'));
  });

  test.each<[string[], string, Record<string, unknown>]>([
    [['48000', '12500.5'], ',', { decimal: '.' }],
    [['$24,000.00', '$150,000.00'], ',', { decimal: '.' }],
    [['8.400,00', '1.250,00'], ';', { decimal: ',' }],
    [['1.250', '2.500'], ';', { decimal: ',' }],
    [['1.250', '2.500'], ',', { decimal: '.' }],
    [['7.200,125', '1.000,00'], ';', { decimal: ',', round: 2 }],
    [['48000.00000000', '7200.12500000'], ',', { decimal: '.', round: 2 }],
  ])('amounts %j (delimiter %j) → %j', (cells, delimiter, expected) => {
    const spec = fieldSpec(suggest({ Amount: cells }, { delimiter }), 'amount');
    expect(spec).toEqual({ column: 'Amount', ...expected });
  });

  test('"round" is added only with a note saying why and how to refuse instead', () => {
    const { report } = suggest({ Amount: ['48000.00000000', '7200.12500000'] });
    expect(report.toCheck).toContainEqual(
      'fields.amount.round: 1 sampled cell has more than 2 decimal places ("7200.12500000"); "round": 2 rounds them half to even, each with a note on its row; remove it to refuse them instead',
    );
  });

  test('a multi-select column is split on the separator its cells use', () => {
    expect(fieldSpec(suggest({ Tags: ['Partner;SMB', 'Enterprise', 'Renewal;Upsell'] }), 'tags')).toEqual({ column: 'Tags', split: ';' });
  });

  test.each<[string[], Record<string, unknown>]>([
    [['existingbusiness', 'newbusiness'], { trueValues: ['existingbusiness'], falseValues: ['newbusiness'] }],
    [['Existing Customer - Renewal', 'New Customer', 'Existing Customer - Upgrade'], { trueValues: ['Existing Customer - Renewal', 'Existing Customer - Upgrade'], falseValues: ['New Customer'] }],
    [['yes', 'no', 'Yes'], {}],
    [['Ja', 'Nein'], { trueValues: ['Ja'], falseValues: ['Nein'] }],
  ])('a checkbox column %j → %j', (cells, expected) => {
    expect(fieldSpec(suggest({ 'Deal Type': cells }), 'isRenewal')).toEqual({ column: 'Deal Type', ...expected });
  });
});

describe('select values', () => {
  test.each<[string, string, string, 'high' | 'medium' | 'low' | 'placeholder']>([
    ['Stage', 'closedwon', 'Closed Won', 'high'],
    ['Stage', 'Closed - Lost', 'Closed Lost', 'high'],
    ['Stage', 'contractsent', 'Negotiation', 'medium'],
    ['Stage', 'Verbal Commit', 'Negotiation', 'medium'],
    ['Stage', 'Lead In', 'Prospecting', 'medium'],
    ['Stage', 'Gewonnen', 'Closed Won', 'medium'],
    ['Stage', 'Qualifikation', 'Qualification', 'medium'],
    ['Priority', 'Hot', 'High', 'medium'],
    ['Priority', 'Niedrig', 'Low', 'medium'],
    ['Stage', 'verbally agreed', 'Proposal', 'placeholder'],
  ])('%s cell %j → %j (%s)', (column, cell, label, confidence) => {
    const suggestion = suggest({ [column]: [cell, 'Proposal', 'Low'].filter((other) => other !== 'Low' || column === 'Priority') });
    const key = column === 'Stage' ? '$stage' : 'priority';
    expect(fieldSpec(suggestion, key)?.values).toMatchObject({ [cell]: label });
    const stated = confidence === 'placeholder' ? 'placeholder' : confidence;
    const detail = suggestion.report.matches.find((match) => match.target === `fields.${key}`)?.details.find((line) => line.startsWith(JSON.stringify(cell)));
    expect(detail).toContain(`(${stated}:`);
    if (confidence === 'placeholder') {
      expect(suggestion.report.toCheck).toContainEqual(`fields.${key}.values: "${cell}" is close to no option of ${key}; it is set to "${label}" only as a placeholder: choose the right option`);
    }
  });

  test('cells that are option labels, in any case, get no alias', () => {
    expect(fieldSpec(suggest({ Stage: ['closed won', 'PROPOSAL', 'Prospecting'] }), '$stage')).toEqual({ column: 'Stage' });
  });

  test('a free-text column is not taken for a select', () => {
    const cells = Array.from({ length: 60 }, (_, index) => `stage note ${index}`);
    const suggestion = suggest({ 'Deal Name': cells.map((_, index) => `deal ${index}`), Stage: cells, Company: cells.map(() => 'Initech') }, { base: false });
    expect(targetOf(suggestion, 'Stage')).toBeUndefined();
    expect(suggestion.mapping.fields['$stage']).toEqual({ value: 'Prospecting' });
  });
});

describe('relationships', () => {
  test('an account by name from a company-like column', () => {
    const { mapping } = suggest({});
    expect(mapping.relationships?.['$account']).toEqual({ column: 'Company', lookup: { object: 'account', by: '$name' } });
  });

  test('an account by website when a company-website column holds domains; the name column is named as the alternative', () => {
    const suggestion = suggest({ 'Account Website': ['https://initech.io', 'hooli.xyz', 'acmesolar.com'] });
    expect(suggestion.mapping.relationships?.['$account']).toEqual({ column: 'Account Website', lookup: { object: 'account', by: '$website' } });
    expect(suggestion.report.unmatched).toContainEqual({ column: 'Company', reason: 'could be relationships.$account instead (lookup by $name)' });
  });

  test('a bare "Website" column stays a field while a company column exists', () => {
    const suggestion = suggest({ Website: ['https://initech.io', 'hooli.xyz', 'acmesolar.com'] });
    expect(targetOf(suggestion, 'Website')).toBe('fields.website');
    expect(targetOf(suggestion, 'Company')).toBe('relationships.$account');
  });

  test('the owner by email', () => {
    expect(suggest({ 'Deal owner email': EMAILS }).mapping.relationships?.['$owner']).toEqual({
      column: 'Deal owner email',
      lookup: { object: 'member', by: '$email' },
    });
  });

  test('the owner by full name, when the cells are names: with medium confidence, since names can repeat', () => {
    const suggestion = suggest({ 'Assigned To': ['Ada Lovelace', 'grace hopper', 'Ada Lovelace'] });
    expect(suggestion.mapping.relationships?.['$owner']).toEqual({ column: 'Assigned To', lookup: { object: 'member', by: '$name' } });
    expect(suggestion.report.matches).toContainEqual(
      expect.objectContaining({ target: 'relationships.$owner', column: 'Assigned To', confidence: 'medium', reason: expect.stringContaining('members are found by full name') }),
    );
  });

  test('without a company column, $account gets a placeholder that fails every lookup and the report says so', () => {
    const suggestion = suggest({ 'Deal Name': ['A', 'B'], Stage: ['Proposal', 'Proposal'] }, { base: false });
    expect(suggestion.mapping.relationships?.['$account']).toEqual({ value: ACCOUNT_PLACEHOLDER, lookup: { object: 'account', by: '$name' } });
    expect(suggestion.report.toCheck).toContainEqual(expect.stringMatching(/^relationships\.\$account: no company or account column was found/));
  });
});

describe('identity', () => {
  test.each<[string, string[]]>([
    ['Record ID', ['9120001', '9120002', '9120003']],
    ['Opportunity ID', ['0065g00000AbCdE1', '0065g00000AbCdE2', '0065g00000AbCdE3']],
    ['Deal - ID', ['301', '302', '303']],
    ['Potential No', ['POT1001', 'POT1002', 'POT1003']],
    ['potentialid', ['1', '2', '3']],
    ['Nr.', ['24-001', '24-002', '24-003']],
    ['#', ['1', '2', '3']],
  ])('%j, unique and filled, is the identity and the legacy ID', (column, cells) => {
    const { mapping } = suggest({ [column]: cells });
    expect(mapping.identity).toEqual([column]);
    expect(mapping.fields['legacyId']).toBe(column);
  });

  test.each<[string, string[]]>([
    ['Account ID', ['1', '2', '3']],
    ['Record Source', ['a', 'b', 'c']],
  ])('%j is not taken for an identity', (column, cells) => {
    expect(suggest({ [column]: cells }).mapping.identity).toBeUndefined();
  });

  test('an ID column that repeats is not the identity, says so, and still fills the legacy ID', () => {
    const suggestion = suggest({ 'Record ID': ['8801001', '8801004', '8801004'] });
    expect(suggestion.mapping.identity).toBeUndefined();
    expect(suggestion.mapping.fields['legacyId']).toBe('Record ID');
    expect(suggestion.report.toCheck).toContainEqual(
      'identity: none guessed ("Record ID" is named like a record ID, but repeats "8801004", so it cannot tell records apart); rows are then told apart by every cell the mapping reads: add "identity": ["<ID column>"] if the export has a record ID',
    );
  });

  test('an ID column with an empty cell is not the identity', () => {
    expect(suggest({ 'Record ID': ['1', '', '3'] }).mapping.identity).toBeUndefined();
  });
});

describe('null markers', () => {
  test('found as whole cells, written to nullValues and ignored when reading the column', () => {
    const suggestion = suggest({ Amount: ['48000', '\\N', '7.200,50'], 'Close Date': ['NULL', '31.12.2026', '\\N'] }, { delimiter: ';' });
    expect(suggestion.mapping.nullValues).toEqual(['\\N', 'NULL']);
    expect(suggestion.report.nullValues).toEqual([
      { marker: '\\N', count: 2 },
      { marker: 'NULL', count: 1 },
    ]);
    expect(fieldSpec(suggestion, 'amount')).toEqual({ column: 'Amount', decimal: ',' });
    expect(fieldSpec(suggestion, 'closeDate')?.format).toBe('dd.MM.yyyy');
  });

  test('no nullValues key without markers', () => {
    expect(suggest({}).mapping).not.toHaveProperty('nullValues');
  });
});

describe('required fields are always mapped', () => {
  test('without a stage column, every row gets the first option, and the report says so', () => {
    const suggestion = suggest({ 'Deal Name': ['A', 'B'], Company: ['Initech', 'Hooli'] }, { base: false });
    expect(suggestion.mapping.fields['$stage']).toEqual({ value: 'Prospecting' });
    expect(suggestion.report.toCheck).toContainEqual(expect.stringMatching(/^fields\.\$stage: no stage column was found; every row gets the stage "Prospecting"/));
  });

  test('without a name column, the first free column of text is a low-confidence guess', () => {
    const suggestion = suggest({ Code: ['17', '18'], Subjectline: ['Initech deal', 'Hooli deal'], Stage: ['Proposal', 'Proposal'], Company: ['Initech', 'Hooli'] }, { base: false });
    expect(suggestion.mapping.fields['$name']).toBe('Subjectline');
    expect(suggestion.report.matches).toContainEqual(expect.objectContaining({ target: 'fields.$name', column: 'Subjectline', confidence: 'low' }));
  });

  test('a file of nothing but an empty header still gives a mapping that compiles', () => {
    const suggestion = suggest({ a: [], b: [] }, { base: false });
    expect(suggestion.report.rowsSampled).toBe(0);
    expect(Object.keys(suggestion.mapping.fields)).toEqual(['$name', '$stage']);
  });
});
