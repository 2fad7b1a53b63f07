/**
 * Opportunity definitions as GET /v1/opportunities/definitions returns them, with the fields the
 * emulator seeds (a realistic org: system fields, read-only AI fields, custom fields of every
 * valueType, system relationships). Option IDs are readable (`opt_stage_closed_won`) so that tests
 * can name them.
 */
import type { Definitions, FieldDefinition, RelationshipDefinition, TypeConfiguration, ValueType } from '../../src/lightfield/types.js';

export const STAGE_LABELS = ['Prospecting', 'Qualification', 'Proposal', 'Negotiation', 'Closed Won', 'Closed Lost'] as const;
export const PRIORITY_LABELS = ['Low', 'Medium', 'High'] as const;
export const TAG_LABELS = ['Enterprise', 'SMB', 'Renewal', 'Upsell', 'Partner'] as const;

/** The option ID the helper gives a label: `optionId('$stage', 'Closed Won')` → `opt_stage_closed_won`. */
export function optionId(fieldKey: string, label: string): string {
  return `opt_${fieldKey.replace(/^\$/, '')}_${label.toLowerCase().replace(/\s+/g, '_')}`;
}

function field(
  key: string,
  label: string,
  valueType: ValueType,
  extra: { readOnly?: boolean; options?: readonly string[]; configuration?: Omit<TypeConfiguration, 'options'>; description?: string } = {},
): FieldDefinition {
  const typeConfiguration: TypeConfiguration = { ...extra.configuration };
  if (extra.options !== undefined) {
    typeConfiguration.options = extra.options.map((optionLabel) => ({ id: optionId(key, optionLabel), label: optionLabel, description: null }));
  }
  return {
    id: `ad_${key.replace(/^\$/, '')}`,
    slug: key.replace(/^\$/, ''),
    label,
    description: extra.description ?? null,
    valueType,
    system: key.startsWith('$'),
    readOnly: extra.readOnly ?? false,
    typeConfiguration,
  };
}

function relationship(key: string, label: string, cardinality: 'HAS_ONE' | 'HAS_MANY', objectType: string, readOnly = false): RelationshipDefinition {
  return { id: `rd_${key.replace(/^\$/, '')}`, label, description: null, cardinality, objectType, readOnly };
}

/** A fresh copy each call, so that a test may change it freely. */
export function opportunityDefinitions(): Definitions {
  return {
    objectType: 'opportunity',
    fieldDefinitions: {
      $name: field('$name', 'Name', 'TEXT', { description: 'The name of the opportunity.' }),
      $stage: field('$stage', 'Stage', 'SINGLE_SELECT', { options: STAGE_LABELS, description: 'What stage is the opportunity in?' }),
      $opportunityStatus: field('$opportunityStatus', 'Status', 'SINGLE_SELECT', { readOnly: true, options: ['Open', 'Won', 'Lost'] }),
      $summary: field('$summary', 'AI Summary', 'MARKDOWN', { readOnly: true }),
      amount: field('amount', 'Amount', 'CURRENCY', { configuration: { currency: 'USD' } }),
      closeDate: field('closeDate', 'Close Date', 'DATETIME'),
      probability: field('probability', 'Probability', 'NUMBER'),
      priority: field('priority', 'Priority', 'SINGLE_SELECT', { options: PRIORITY_LABELS }),
      tags: field('tags', 'Tags', 'MULTI_SELECT', { options: TAG_LABELS }),
      isRenewal: field('isRenewal', 'Is Renewal', 'CHECKBOX'),
      website: field('website', 'Website', 'URL'),
      contactEmails: field('contactEmails', 'Contact Emails', 'EMAIL', { configuration: { multipleValues: true } }),
      phone: field('phone', 'Phone', 'TELEPHONE'),
      legacyId: field('legacyId', 'Legacy ID', 'TEXT', { configuration: { unique: true } }),
      nextStep: field('nextStep', 'Next Step', 'TEXT'),
      source: field('source', 'Source', 'TEXT'),
      billingAddress: field('billingAddress', 'Billing Address', 'ADDRESS'),
      primaryContact: field('primaryContact', 'Primary Contact', 'FULL_NAME'),
      linkedin: field('linkedin', 'LinkedIn', 'SOCIAL_HANDLE', { configuration: { handleService: 'LINKEDIN' } }),
    },
    relationshipDefinitions: {
      $account: relationship('$account', 'Account', 'HAS_ONE', 'account'),
      $owner: relationship('$owner', 'Owner', 'HAS_ONE', 'member'),
      $createdBy: relationship('$createdBy', 'Created By', 'HAS_ONE', 'member'),
      $champion: relationship('$champion', 'Champion', 'HAS_ONE', 'contact'),
      $evaluator: relationship('$evaluator', 'Evaluator', 'HAS_ONE', 'contact'),
      $task: relationship('$task', 'Tasks', 'HAS_MANY', 'task', true),
      $note: relationship('$note', 'Notes', 'HAS_MANY', 'note', true),
    },
  };
}
