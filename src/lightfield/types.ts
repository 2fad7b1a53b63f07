/** Shapes of the Lightfield REST API (version 2026-03-01) that the importer and the emulator use. */

export const LIGHTFIELD_VERSION = '2026-03-01';
export const DEFAULT_BASE_URL = 'https://api.lightfield.app';

export type ValueType =
  | 'ADDRESS'
  | 'CHECKBOX'
  | 'CURRENCY'
  | 'DATETIME'
  | 'EMAIL'
  | 'FULL_NAME'
  | 'MARKDOWN'
  | 'MULTI_SELECT'
  | 'NUMBER'
  | 'SINGLE_SELECT'
  | 'SOCIAL_HANDLE'
  | 'TELEPHONE'
  | 'TEXT'
  | 'URL'
  | 'HTML';

export interface SelectOption {
  id: string;
  label: string;
  description?: string | null;
}

export interface TypeConfiguration {
  options?: SelectOption[];
  currency?: string;
  unique?: boolean;
  multipleValues?: boolean;
  handleService?: 'TWITTER' | 'LINKEDIN' | 'FACEBOOK' | 'INSTAGRAM';
}

export interface FieldDefinition {
  id?: string;
  slug?: string;
  label: string;
  description: string | null;
  valueType: ValueType;
  system?: boolean;
  readOnly?: boolean;
  typeConfiguration: TypeConfiguration;
}

export interface RelationshipDefinition {
  id?: string;
  label: string;
  description: string | null;
  cardinality: 'HAS_ONE' | 'HAS_MANY';
  objectType: string;
  readOnly?: boolean;
}

export interface Definitions {
  objectType: string;
  fieldDefinitions: Record<string, FieldDefinition>;
  relationshipDefinitions: Record<string, RelationshipDefinition>;
}

export interface AddressValue {
  street?: string;
  street2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  latitude?: number;
  longitude?: number;
}

export interface FullNameValue {
  firstName?: string;
  lastName?: string;
}

/** A bare value as written in a create/update body. */
export type FieldWriteValue = string | number | boolean | null | string[] | AddressValue | FullNameValue;

/** Relationship value on create: one ID or several. */
export type RelationshipCreateValue = string | string[];

/** Relationship operation on update. */
export type RelationshipUpdateOperation =
  | { add: string | string[] }
  | { remove: string | string[] }
  | { replace: string | string[] | null };

/** The body of `POST /v1/{records}`: the same shape for opportunities, accounts, contacts and notes. */
export interface CreateRecordBody {
  fields: Record<string, FieldWriteValue>;
  relationships: Record<string, RelationshipCreateValue>;
}

/** The body of `POST /v1/{records}/{id}`: only the keys sent change. */
export interface UpdateRecordBody {
  fields?: Record<string, FieldWriteValue>;
  relationships?: Record<string, RelationshipUpdateOperation>;
}

export type CreateOpportunityBody = CreateRecordBody;
export type UpdateOpportunityBody = UpdateRecordBody;

export interface FieldReadValue {
  valueType: ValueType;
  value: unknown;
}

export interface RelationshipReadValue {
  cardinality: string;
  objectType: string;
  values: string[];
}

/** An opportunity, account, contact, note or member as the API returns it. */
export interface Entity {
  id: string;
  createdAt: string;
  updatedAt: string | null;
  httpLink: string | null;
  externalId?: string | null;
  fields: Record<string, FieldReadValue>;
  relationships: Record<string, RelationshipReadValue>;
}

export interface ListResponse<T = Entity> {
  object: 'list';
  data: T[];
  totalCount: number;
}

export interface AuthValidation {
  active: boolean;
  tokenType: string;
  subjectType: 'user' | 'workspace';
  scopes: string[];
}

/** The error envelope: `{ error: {...} }` per the docs, unwrapped per the OpenAPI spec. */
export interface ApiErrorBody {
  type: string;
  message: string;
  code?: string;
  param?: string;
  [extra: string]: unknown;
}

/** The X-RateLimit-* headers of one response. */
export interface RateLimitInfo {
  /** Bucket capacity per second. */
  limit: number;
  /** Requests left in the current window. */
  remaining: number;
  /** Unix seconds when the bucket is full again. */
  reset: number;
}

/** The rate-limit categories of the API. */
export type RateCategory = 'write' | 'read' | 'search';

/** What one attempt looked like, as reported to {@link Pacer.observe}. */
export interface AttemptOutcome {
  /** The HTTP status, or `null` when no answer arrived (network failure, timeout, caller abort). */
  status: number | null;
  /** The response's `X-RateLimit-*` headers, when all were present. */
  rateLimit?: RateLimitInfo;
  /** The wait the response asked for (`retry-after-ms` or `Retry-After`), uncapped. */
  retryAfterMs?: number;
  /** Time from sending the request to having read the whole answer (or giving up). */
  latencyMs: number;
}

/**
 * The rate limiter's hooks: every attempt (including retries) waits for `acquire` and then
 * reports to `observe`, exactly once per successful `acquire`, whatever the outcome.
 * `acquire` should reject promptly when `signal` aborts.
 */
export interface Pacer {
  acquire(category: RateCategory, signal?: AbortSignal): Promise<void>;
  observe(category: RateCategory, outcome: AttemptOutcome): void;
}
