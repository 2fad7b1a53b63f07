/**
 * Carries one mapped row through its action: resolve lookups, build the body, record it in the
 * ledger as in flight, send it, record the answer. Never throws: every ending is a RowOutcome.
 *
 * A request whose outcome is unknown (timeout, dropped connection, 5xx after every retry, a stop
 * that could not wait) stays `in_flight` in the ledger, so the next run sends it again with the
 * same Idempotency-Key instead of creating a second record.
 */
import { ImportError, type RowProblem } from '../errors.js';
import { APIError, APIUserAbortError, LightfieldError, NotFoundError } from '../lightfield/errors.js';
import type { LightfieldClient, RequestOptions } from '../lightfield/client.js';
import type {
  CreateOpportunityBody,
  Definitions,
  Entity,
  FieldWriteValue,
  RelationshipCreateValue,
  RelationshipUpdateOperation,
  UpdateOpportunityBody,
} from '../lightfield/types.js';
import type { Ledger } from '../ledger/index.js';
import type { LedgerEntry } from '../ledger/types.js';
import { idempotencyKey } from '../mapping/index.js';
import type { RelationshipInput } from '../mapping/types.js';
import type { LookupResolver } from '../lookup/resolver.js';
import type { Logger } from 'pino';
import type { RowOutcome } from '../report/report-writer.js';
import { decide, type RowAction } from './decide.js';
import type { RunMode } from './setup.js';

/** A row that mapped cleanly and is ready for its action. */
export interface ReadyRow {
  line: number;
  cells: readonly string[];
  identity: string;
  fields: Record<string, FieldWriteValue>;
  relationships: Record<string, RelationshipInput>;
  /** Canonical JSON of the mapped payload, as stored in the ledger. */
  payload: string;
  payloadHash: string;
  action: RowAction;
}

export interface RowProcessorDeps {
  mode: RunMode;
  namespace: string;
  client: LightfieldClient;
  ledger: Ledger;
  resolver: LookupResolver;
  definitions: Definitions;
  logger: Logger;
  update: boolean;
  now: () => number;
  idempotencyWindowMs: number;
  /** Aborted only when the run cannot wait for requests in flight any longer. */
  hardSignal: AbortSignal;
  /** The field that carries the row's identity in Lightfield (e.g. a legacy ID), for expired in-flight rows. */
  identityField: { key: string; value: (row: ReadyRow) => string | undefined } | undefined;
  onRetry: () => void;
}

type Sent = { ok: true; entity: Entity; attempts: number } | { ok: false; problem: RowProblem; attempts: number; unknown: boolean };

export class RowProcessor {
  readonly #deps: RowProcessorDeps;

  constructor(deps: RowProcessorDeps) {
    this.#deps = deps;
  }

  async process(row: ReadyRow): Promise<RowOutcome> {
    try {
      return await this.#run(row, row.action);
    } catch (error) {
      if (error instanceof ImportError && error.code === 'state_unwritable') return this.#ledgerFailed(row, error);
      if (error instanceof ImportError && error.code === 'rate_limiter_unavailable') {
        // No slot could be had for the row's next request: the run stops (run.ts). A request that went
        // out before stays in flight in the ledger and is sent again, with its key, by the rerun.
        return this.#outcome(row, 'not_attempted', {
          attempts: 0,
          problem: { type: 'rate_limiter_unavailable', code: 'not_attempted', param: '', message: `${error.message}; rerun the same command to resume` },
        });
      }
      if (error instanceof APIUserAbortError) {
        // The run stopped while this row was still looking up its relationships: nothing was sent.
        return this.#outcome(row, 'not_attempted', {
          attempts: 0,
          problem: { type: 'stopped', code: 'not_attempted', param: '', message: 'the run stopped before this row was sent; rerun the same command to resume' },
        });
      }
      if (error instanceof LightfieldError) {
        // A lookup (or the 24 h identity check) got no usable answer: nothing was written.
        return this.#outcome(row, 'failed', {
          attempts: 0,
          problem: {
            type: error instanceof APIError ? (error.type ?? `http_${error.status}`) : 'connection_error',
            code: error instanceof APIError ? (error.code ?? String(error.status)) : error.name,
            param: '',
            message: `a lookup for this row failed: ${error.message}; nothing was written for it`,
          },
        });
      }
      // A bug or an unexpected answer must not lose the row: report it, keep the run going.
      this.#deps.logger.error({ line: row.line, err: error }, 'unexpected error while processing the row');
      return this.#outcome(row, 'failed', {
        attempts: 0,
        problem: {
          type: 'internal_error',
          code: 'unexpected',
          param: '',
          message: `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
        },
      });
    }
  }

  /** The ledger cannot be written (disk full): the run stops (run.ts); the row goes to the rerun. */
  #ledgerFailed(row: ReadyRow, error: ImportError): RowOutcome {
    this.#deps.logger.error({ event: 'ledger_error', line: row.line }, error.message);
    return this.#outcome(row, 'failed', {
      attempts: 0,
      problem: {
        type: 'state_unwritable',
        code: 'ledger_unwritable',
        param: '',
        message:
          `${error.message} The run stopped: free some space and rerun the same command; ` +
          'a request that went out is sent again with its Idempotency-Key, so nothing is created twice.',
      },
    });
  }

  async #run(row: ReadyRow, action: RowAction): Promise<RowOutcome> {
    switch (action.kind) {
      case 'unchanged':
        return this.#outcome(row, 'unchanged', { attempts: 0, entry: action.entry });
      case 'not_updated':
        return this.#outcome(row, 'unchanged', {
          attempts: 0,
          entry: action.entry,
          problem: {
            type: 'not_updated',
            code: 'no_update',
            param: '',
            message: 'the row changed since it was imported, but --no-update is set: Lightfield keeps the old values',
          },
        });
      case 'create':
        return this.#create(row);
      case 'update':
        return this.#update(row, action.entry, action.changed);
      case 'resume':
        return this.#resume(row, action.entry, action.expired);
    }
  }

  async #create(row: ReadyRow, attemptsBefore = 0): Promise<RowOutcome> {
    const resolved = await this.#deps.resolver.resolveAll(row.relationships);
    if (!resolved.ok) return this.#outcome(row, 'failed', { attempts: attemptsBefore, problem: resolved.problem });
    const key = idempotencyKey(this.#deps.namespace, row.identity, row.payloadHash);
    if (this.#deps.mode === 'plan') return this.#outcome(row, 'would_create', { attempts: 0, key });
    const body: CreateOpportunityBody = { fields: row.fields, relationships: this.#createRelationships(resolved.ids) };
    this.#deps.ledger.markInFlight({
      namespace: this.#deps.namespace,
      identity: row.identity,
      payloadHash: row.payloadHash,
      payload: row.payload,
      requestBody: JSON.stringify(body),
      operation: 'create',
      idempotencyKey: key,
    });
    const sent = await this.#send(() => this.#deps.client.createOpportunity(body, this.#writeOptions(key)));
    return this.#answered(row, 'created', sent, key, attemptsBefore);
  }

  async #update(
    row: ReadyRow,
    entry: LedgerEntry,
    changed: { fields: string[]; relationships: string[] },
    attemptsBefore = 0,
  ): Promise<RowOutcome> {
    const opportunityId = entry.opportunityId!;
    const changedRelationships: Record<string, RelationshipInput> = {};
    for (const key of changed.relationships) {
      const input = row.relationships[key];
      if (input) changedRelationships[key] = input;
    }
    const resolved = await this.#deps.resolver.resolveAll(changedRelationships);
    if (!resolved.ok) return this.#outcome(row, 'failed', { attempts: attemptsBefore, problem: resolved.problem, entry });
    // A new key for every new change of the record: the payload it applies and the state it starts from.
    const key = idempotencyKey(
      this.#deps.namespace,
      row.identity,
      `${row.payloadHash}:update-of:${entry.payloadHash}:${entry.lastAnswerAt ?? 0}`,
    );
    if (this.#deps.mode === 'plan') return this.#outcome(row, 'would_update', { attempts: 0, key, entry });
    const body = this.#updateBody(row, changed, resolved.ids);
    this.#deps.ledger.markInFlight({
      namespace: this.#deps.namespace,
      identity: row.identity,
      payloadHash: row.payloadHash,
      payload: row.payload,
      requestBody: JSON.stringify(body),
      operation: 'update',
      idempotencyKey: key,
      opportunityId,
      httpLink: entry.httpLink,
    });
    const sent = await this.#send(() => this.#deps.client.updateOpportunity(opportunityId, body, this.#writeOptions(key)));
    return this.#answered(row, 'updated', sent, key, attemptsBefore);
  }

  /** Sends again, as it was and with its key, a request an earlier run left in flight. */
  async #resume(row: ReadyRow, entry: LedgerEntry, expired: boolean): Promise<RowOutcome> {
    if (this.#deps.mode === 'plan') {
      return this.#outcome(row, entry.operation === 'create' ? 'would_create' : 'would_update', {
        attempts: 0,
        key: entry.idempotencyKey,
        entry,
      });
    }
    if (expired && entry.operation === 'create') {
      const found = await this.#findByIdentityField(row);
      if (found.kind === 'found') {
        this.#deps.logger.info(
          { line: row.line, opportunityId: found.entity.id, idempotencyKey: entry.idempotencyKey },
          'a create left in flight over 24 h ago had landed: found it by its identity field',
        );
        this.#deps.ledger.markAnswered(this.#deps.namespace, row.identity, {
          status: 'created',
          opportunityId: found.entity.id,
          httpLink: found.entity.httpLink,
          attempts: 0,
        });
        return this.#continueAfterResume(row, 0, 'created');
      }
      if (found.kind === 'ambiguous') {
        return this.#outcome(row, 'failed', { attempts: 0, problem: found.problem, entry });
      }
      if (found.kind === 'no_field') {
        this.#deps.logger.warn(
          { line: row.line, idempotencyKey: entry.idempotencyKey },
          'a create left in flight over 24 h ago is sent again; its key has expired and the mapping writes no identity field to check for it first',
        );
      }
    }
    const body: unknown = JSON.parse(entry.requestBody ?? 'null');
    const key = entry.idempotencyKey;
    this.#deps.ledger.markInFlight({
      namespace: this.#deps.namespace,
      identity: row.identity,
      payloadHash: entry.pendingPayloadHash,
      payload: entry.pendingPayload,
      requestBody: entry.requestBody ?? 'null',
      operation: entry.operation,
      idempotencyKey: key,
      opportunityId: entry.opportunityId,
      httpLink: entry.httpLink,
    });
    const sent =
      entry.operation === 'create'
        ? await this.#send(() => this.#deps.client.createOpportunity(body as CreateOpportunityBody, this.#writeOptions(key)))
        : await this.#send(() =>
            this.#deps.client.updateOpportunity(entry.opportunityId!, body as UpdateOpportunityBody, this.#writeOptions(key)),
          );
    const status = entry.operation === 'create' ? 'created' : 'updated';
    if (!sent.ok) {
      const failed = this.#answered(row, status, sent, key, 0);
      // The old request was refused, so nothing of it landed: the row as it is now may still go.
      if (sent.unknown || entry.pendingPayloadHash === row.payloadHash) return failed;
      return this.#continueAfterResume(row, sent.attempts, status);
    }
    this.#deps.ledger.markAnswered(this.#deps.namespace, row.identity, {
      status,
      opportunityId: sent.entity.id,
      httpLink: sent.entity.httpLink,
      attempts: sent.attempts,
    });
    if (entry.pendingPayloadHash === row.payloadHash) {
      return this.#outcome(row, status, { attempts: sent.attempts, key, entity: sent.entity });
    }
    // The file changed since that request went out: bring the record up to date.
    return this.#continueAfterResume(row, sent.attempts, status);
  }

  /** After a resumed request: what the row as it is now still needs. `status` is the resumed request's. */
  async #continueAfterResume(row: ReadyRow, attemptsBefore: number, status: 'created' | 'updated'): Promise<RowOutcome> {
    const entry = this.#deps.ledger.get(this.#deps.namespace, row.identity);
    const action = decide({
      entry,
      payloadHash: row.payloadHash,
      row,
      update: this.#deps.update,
      now: this.#deps.now(),
      idempotencyWindowMs: this.#deps.idempotencyWindowMs,
    });
    if (action.kind === 'update') return this.#update(row, action.entry, action.changed, attemptsBefore);
    if (action.kind === 'unchanged' || action.kind === 'not_updated') {
      const outcome = await this.#run(row, action);
      return { ...outcome, status, attempts: attemptsBefore };
    }
    return this.#create(row, attemptsBefore);
  }

  async #findByIdentityField(
    row: ReadyRow,
  ): Promise<{ kind: 'found'; entity: Entity } | { kind: 'none' | 'no_field' } | { kind: 'ambiguous'; problem: RowProblem }> {
    const field = this.#deps.identityField;
    const value = field?.value(row);
    if (!field || value === undefined || value === '') return { kind: 'no_field' };
    const page = await this.#deps.client.list(
      'opportunities',
      { limit: 25, filters: { [`${field.key}[equal]`]: value } },
      { signal: this.#deps.hardSignal },
    );
    const matches = page.data.data;
    if (matches.length === 0) return { kind: 'none' };
    if (matches.length === 1) return { kind: 'found', entity: matches[0]! };
    return {
      kind: 'ambiguous',
      problem: {
        type: 'lookup_failed',
        code: 'identity_ambiguous',
        param: field.key,
        message: `a create left in flight over 24 h ago: ${matches.length} opportunities have ${field.key} "${value}" (${matches
          .slice(0, 5)
          .map((entity) => entity.id)
          .join(', ')}); not sent again`,
      },
    };
  }

  #writeOptions(key: string): RequestOptions & { idempotencyKey: string } {
    return { idempotencyKey: key, signal: this.#deps.hardSignal, onRetry: this.#deps.onRetry };
  }

  async #send(call: () => Promise<{ data: Entity; attempts: number }>): Promise<Sent> {
    try {
      const result = await call();
      return { ok: true, entity: result.data, attempts: result.attempts };
    } catch (error) {
      return { ok: false, ...describeFailure(error) };
    }
  }

  #answered(row: ReadyRow, status: 'created' | 'updated', sent: Sent, key: string, attemptsBefore: number): RowOutcome {
    const attempts = attemptsBefore + sent.attempts;
    if (sent.ok) {
      this.#deps.ledger.markAnswered(this.#deps.namespace, row.identity, {
        status,
        opportunityId: sent.entity.id,
        httpLink: sent.entity.httpLink,
        attempts: sent.attempts,
      });
      this.#deps.logger.debug({ line: row.line, idempotencyKey: key, opportunityId: sent.entity.id }, status);
      return this.#outcome(row, status, { attempts, key, entity: sent.entity });
    }
    if (!sent.unknown) {
      this.#deps.ledger.markAnswered(this.#deps.namespace, row.identity, {
        status: 'failed',
        attempts: sent.attempts,
        error: `${sent.problem.type}/${sent.problem.code}: ${sent.problem.message}`,
      });
    }
    this.#deps.logger.info(
      { event: 'row_failed', line: row.line, idempotencyKey: key, errorType: sent.problem.type, errorCode: sent.problem.code, param: sent.problem.param },
      `row failed: ${sent.problem.message}`,
    );
    const entry = this.#deps.ledger.get(this.#deps.namespace, row.identity);
    return this.#outcome(row, 'failed', { attempts, key, problem: sent.problem, entry });
  }

  #createRelationships(ids: Record<string, string[]>): Record<string, RelationshipCreateValue> {
    const relationships: Record<string, RelationshipCreateValue> = {};
    for (const [key, values] of Object.entries(ids)) {
      relationships[key] = this.#hasOne(key) && values.length === 1 ? values[0]! : values;
    }
    return relationships;
  }

  #updateBody(
    row: ReadyRow,
    changed: { fields: string[]; relationships: string[] },
    ids: Record<string, string[]>,
  ): UpdateOpportunityBody {
    const body: UpdateOpportunityBody = {};
    if (changed.fields.length > 0) {
      const fields: Record<string, FieldWriteValue> = {};
      for (const key of changed.fields) fields[key] = key in row.fields ? row.fields[key]! : null;
      body.fields = fields;
    }
    if (changed.relationships.length > 0) {
      const relationships: Record<string, RelationshipUpdateOperation> = {};
      for (const key of changed.relationships) {
        const values = ids[key];
        relationships[key] = {
          replace: values === undefined || values.length === 0 ? null : this.#hasOne(key) && values.length === 1 ? values[0]! : values,
        };
      }
      body.relationships = relationships;
    }
    return body;
  }

  #hasOne(key: string): boolean {
    return this.#deps.definitions.relationshipDefinitions[key]?.cardinality !== 'HAS_MANY';
  }

  #outcome(
    row: ReadyRow,
    status: RowOutcome['status'],
    details: { attempts: number; key?: string; entity?: Entity; entry?: LedgerEntry | undefined; problem?: RowProblem },
  ): RowOutcome {
    return {
      line: row.line,
      status,
      opportunityId: details.entity?.id ?? details.entry?.opportunityId ?? null,
      httpLink: details.entity?.httpLink ?? details.entry?.httpLink ?? null,
      idempotencyKey: details.key ?? details.entry?.idempotencyKey ?? null,
      attempts: details.attempts,
      ...(details.problem ? { problem: details.problem } : {}),
      cells: row.cells,
    };
  }
}

/** Turns a client error into the row's problem, and says whether the request may have landed. */
export function describeFailure(error: unknown): { problem: RowProblem; attempts: number; unknown: boolean } {
  const attempts = (error as { attempts?: number }).attempts ?? 1;
  if (error instanceof NotFoundError) {
    return {
      attempts,
      unknown: false,
      problem: {
        type: error.type ?? 'not_found',
        code: error.code ?? 'not_found',
        param: error.param ?? '',
        message: `the opportunity is gone from Lightfield (404): ${error.message}`,
      },
    };
  }
  if (error instanceof APIError) {
    // 4xx other than 408/409/429 is a refusal: nothing was written. 5xx, 408, 409 and 429 after
    // the last retry may hide a write that landed.
    const refused = error.status < 500 && ![408, 409, 429].includes(error.status);
    return {
      attempts,
      unknown: !refused,
      problem: {
        type: error.type ?? `http_${error.status}`,
        code: error.code ?? String(error.status),
        param: error.param ?? '',
        message: refused
          ? `Lightfield refused the row (${error.status}): ${error.message}`
          : `no answer after ${attempts} attempts (last: ${error.status} ${error.type}); the next run sends it again with the same Idempotency-Key`,
      },
    };
  }
  if (error instanceof LightfieldError) {
    return {
      attempts,
      unknown: true,
      problem: {
        type: 'connection_error',
        code: error.name,
        param: '',
        message: `${error.message} after ${attempts} attempts; the next run sends it again with the same Idempotency-Key`,
      },
    };
  }
  throw error;
}
