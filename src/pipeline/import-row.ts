/**
 * The import path of one mapped row: resolve its lookups, build the body, record it in the ledger as
 * in flight, send it, record the answer. Never throws: every ending is a RowOutcome.
 *
 * A request whose outcome is unknown (timeout, dropped connection, 5xx after every retry, a stop
 * that could not wait) stays `in_flight` in the ledger, so the next run sends it again with the
 * same Idempotency-Key instead of creating a second record.
 */
import type { RowProblem } from '../errors.js';
import type { LightfieldClient, RecordCollection, RequestOptions } from '../lightfield/client.js';
import { OBJECTS, type ImportObject } from '../lightfield/objects.js';
import type { CreateRecordBody, Definitions, Entity, UpdateRecordBody } from '../lightfield/types.js';
import type { Ledger } from '../ledger/index.js';
import type { LedgerEntry } from '../ledger/types.js';
import type { LookupResolver } from '../lookup/resolver.js';
import type { Logger } from 'pino';
import type { RowOutcome } from '../report/row-outcome.js';
import { idempotencyKey } from '../mapping/index.js';
import { changesFromLedger } from './changes.js';
import { decide, type RowPolicy } from './decide.js';
import { matchRecord, type MatchContext } from './match-record.js';
import { describeFailure, interruptedRow, type SendFailure } from './failures.js';
import { noMatch, outcomeOf, settledWithoutRequest, skippedExisting, type ReadyRow } from './ready-row.js';
import { changedRelationships, createBody, createKey, recreateKey, updateBody, updateKey, type ChangedKeys } from './request-bodies.js';

export interface RowImporterDeps {
  namespace: string;
  /** The record type each row becomes. */
  object: ImportObject;
  client: LightfieldClient;
  ledger: Ledger;
  resolver: LookupResolver;
  definitions: Definitions;
  logger: Logger;
  policy: RowPolicy;
  /** The mapping's `match` field, if any. */
  matchField: string | undefined;
  now: () => number;
  idempotencyWindowMs: number;
  /** Aborted only when the run cannot wait for requests in flight any longer. */
  hardSignal: AbortSignal;
  /** The field that carries the row's identity in Lightfield (e.g. a legacy ID), for expired in-flight rows. */
  identityField: { key: string; value: (row: ReadyRow) => string | undefined } | undefined;
  /** A record deleted in Lightfield (404 on update) is created again; false: the row fails as `record_deleted`. */
  recreateDeleted: boolean;
  onRetry: () => void;
}

type Sent = ({ ok: true; entity: Entity; attempts: number }) | ({ ok: false } & SendFailure);

export class RowImporter {
  readonly #deps: RowImporterDeps;

  constructor(deps: RowImporterDeps) {
    this.#deps = deps;
  }

  get #collection(): RecordCollection {
    return OBJECTS[this.#deps.object].collection;
  }

  async import(row: ReadyRow): Promise<RowOutcome> {
    try {
      return await this.#run(row);
    } catch (error) {
      const interrupted = interruptedRow(error);
      if (interrupted !== undefined) {
        if (interrupted.problem.type === 'state_unwritable') {
          this.#deps.logger.error({ event: 'ledger_error', line: row.line }, (error as Error).message);
        }
        return outcomeOf(row, interrupted.status, { attempts: 0, problem: interrupted.problem });
      }
      // A bug or an unexpected answer must not lose the row: report it, keep the run going.
      this.#deps.logger.error({ line: row.line, err: error }, 'unexpected error while processing the row');
      return outcomeOf(row, 'failed', {
        attempts: 0,
        problem: { type: 'internal_error', code: 'unexpected', param: '', message: `unexpected error: ${error instanceof Error ? error.message : String(error)}` },
      });
    }
  }

  async #run(row: ReadyRow): Promise<RowOutcome> {
    const settled = settledWithoutRequest(row);
    if (settled) return settled;
    const { action } = row;
    switch (action.kind) {
      case 'create':
        return this.#create(row);
      case 'match':
        return this.#match(row);
      case 'update':
        return this.#update(row, action.entry, action.changed);
      case 'resume':
        return this.#resume(row, action.entry, action.expired);
      default:
        throw new Error(`RowImporter: unexpected action ${action.kind}`);
    }
  }

  /** @param deletedId set when the create replaces that record, deleted in Lightfield */
  async #create(row: ReadyRow, attemptsBefore = 0, deletedId?: string): Promise<RowOutcome> {
    const resolved = await this.#deps.resolver.resolveAll(row.relationships);
    if (!resolved.ok) return outcomeOf(row, 'failed', { attempts: attemptsBefore, problem: resolved.problem, problems: resolved.problems });
    const key = deletedId === undefined ? createKey(this.#deps.namespace, row) : recreateKey(this.#deps.namespace, row, deletedId);
    const body = createBody(row, resolved.ids, this.#deps.definitions);
    this.#markInFlight(row, body, 'create', key);
    const sent = await this.#send(() => this.#deps.client.createRecord(this.#collection, body, this.#writeOptions(key)));
    return this.#answered(row, 'created', sent, key, attemptsBefore);
  }

  /** `match`: the record Lightfield already holds for the row is updated (or left alone), never created again. */
  async #match(row: ReadyRow): Promise<RowOutcome> {
    const { namespace, ledger, definitions, policy } = this.#deps;
    const matched = await matchRecord(row, this.#matchContext());
    if (matched.kind === 'failed') return outcomeOf(row, 'failed', { attempts: 0, problem: matched.problem });
    if (matched.kind === 'none') return policy.create ? this.#create(row) : noMatch(row);
    const { record, changed } = matched;
    if (changed.fields.length + changed.relationships.length > 0 && !policy.update) return skippedExisting(row, record.id);
    if (changed.fields.length + changed.relationships.length === 0) {
      ledger.recordMatched({ namespace, identity: row.identity, payloadHash: row.payloadHash, payload: row.payload, recordId: record.id, httpLink: record.httpLink, idempotencyKey: createKey(namespace, row) });
      return outcomeOf(row, 'unchanged', { attempts: 0, entity: record });
    }
    const key = idempotencyKey(namespace, row.identity, `${row.payloadHash}:match-update-of:${record.id}:${record.updatedAt ?? record.createdAt}`);
    const body = updateBody(row, changed, matched.ids, definitions, OBJECTS[this.#deps.object].updatesRelationshipsBy);
    this.#markInFlight(row, body, 'update', key, { id: record.id, httpLink: record.httpLink });
    const sent = await this.#send(() => this.#deps.client.updateRecord(this.#collection, record.id, body, this.#writeOptions(key)));
    return { ...this.#answered(row, 'updated', sent, key, 0), changes: matched.changes };
  }

  /** Committed before the request goes out: a crash after it leaves the row in flight, resent with its key. */
  #markInFlight(row: ReadyRow, body: unknown, operation: 'create' | 'update', key: string, record?: { id: string; httpLink: string | null }): void {
    this.#deps.ledger.markInFlight({
      namespace: this.#deps.namespace,
      identity: row.identity,
      payloadHash: row.payloadHash,
      payload: row.payload,
      requestBody: JSON.stringify(body),
      operation,
      idempotencyKey: key,
      ...(record ? { opportunityId: record.id, httpLink: record.httpLink } : {}),
    });
  }

  #matchContext(): MatchContext {
    return {
      client: this.#deps.client,
      collection: this.#collection,
      field: this.#deps.matchField!,
      resolver: this.#deps.resolver,
      definitions: this.#deps.definitions,
      signal: this.#deps.hardSignal,
    };
  }

  async #update(row: ReadyRow, entry: LedgerEntry, changed: ChangedKeys, attemptsBefore = 0): Promise<RowOutcome> {
    const opportunityId = entry.opportunityId!;
    const resolved = await this.#deps.resolver.resolveAll(changedRelationships(row, changed));
    if (!resolved.ok) return outcomeOf(row, 'failed', { attempts: attemptsBefore, problem: resolved.problem, problems: resolved.problems, entry });
    const key = updateKey(this.#deps.namespace, row, entry);
    const body = updateBody(row, changed, resolved.ids, this.#deps.definitions, OBJECTS[this.#deps.object].updatesRelationshipsBy);
    this.#markInFlight(row, body, 'update', key, { id: opportunityId, httpLink: entry.httpLink });
    const sent = await this.#send(() => this.#deps.client.updateRecord(this.#collection, opportunityId, body, this.#writeOptions(key)));
    if (!sent.ok && sent.deleted === true) return this.#deleted(row, opportunityId, this.#answered(row, 'updated', sent, key, attemptsBefore));
    return { ...this.#answered(row, 'updated', sent, key, attemptsBefore), changes: changesFromLedger(entry.payload, row, changed, this.#deps.definitions) };
  }

  /** The record of an update is gone from Lightfield: say so, or (`--recreate-deleted`) create it again. */
  async #deleted(row: ReadyRow, deletedId: string, failed: RowOutcome): Promise<RowOutcome> {
    if (!this.#deps.recreateDeleted) {
      return {
        ...failed,
        problem: {
          ...failed.problem!,
          message: `the ${this.#deps.object} ${deletedId} this row was imported as has been deleted in Lightfield (404 on update); pass --recreate-deleted to create it again, or take the row out of the file`,
        },
      };
    }
    const created = await this.#create(row, failed.attempts, deletedId);
    if (created.status !== 'created') return created;
    const note = `the ${this.#deps.object} ${deletedId} had been deleted in Lightfield: created again as ${created.recordId ?? 'a new record'}`;
    this.#deps.logger.info({ event: 'record_recreated', line: row.line, deletedId, opportunityId: created.recordId }, note);
    return { ...created, problem: { type: 'recreated', code: 'record_recreated', param: '', message: note } };
  }

  /** Sends again, as it was and with its key, a request an earlier run left in flight. */
  async #resume(row: ReadyRow, entry: LedgerEntry, expired: boolean): Promise<RowOutcome> {
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
        return outcomeOf(row, 'failed', { attempts: 0, problem: found.problem, entry });
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
        ? await this.#send(() => this.#deps.client.createRecord(this.#collection, body as CreateRecordBody, this.#writeOptions(key)))
        : await this.#send(() =>
            this.#deps.client.updateRecord(this.#collection, entry.opportunityId!, body as UpdateRecordBody, this.#writeOptions(key)),
          );
    const status = entry.operation === 'create' ? 'created' : 'updated';
    if (!sent.ok) {
      const failed = this.#answered(row, status, sent, key, 0);
      // The old request was refused, so nothing of it landed: the row as it is now may still go.
      if (sent.deleted === true && entry.opportunityId) return this.#deleted(row, entry.opportunityId, failed);
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
      return outcomeOf(row, status, { attempts: sent.attempts, key, entity: sent.entity });
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
      policy: this.#deps.policy,
      now: this.#deps.now(),
      idempotencyWindowMs: this.#deps.idempotencyWindowMs,
    });
    if (action.kind === 'update') return this.#update(row, action.entry, action.changed, attemptsBefore);
    const settled = settledWithoutRequest({ ...row, action });
    if (settled) return { ...settled, status, attempts: attemptsBefore };
    return this.#create(row, attemptsBefore);
  }

  async #findByIdentityField(
    row: ReadyRow,
  ): Promise<{ kind: 'found'; entity: Entity } | { kind: 'none' | 'no_field' } | { kind: 'ambiguous'; problem: RowProblem }> {
    const field = this.#deps.identityField;
    const value = field?.value(row);
    if (!field || value === undefined || value === '') return { kind: 'no_field' };
    const page = await this.#deps.client.list(
      this.#collection,
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
        message: `a create left in flight over 24 h ago: ${matches.length} records have ${field.key} "${value}" (${matches
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
      return outcomeOf(row, status, { attempts, key, entity: sent.entity });
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
    return outcomeOf(row, 'failed', { attempts, key, problem: sent.problem, entry });
  }
}
