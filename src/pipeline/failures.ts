/**
 * What a row's problem says when a request or a lookup did not go through: whether it was refused
 * (nothing written) or may have landed (the ledger keeps it in flight for the rerun).
 */
import { ImportError, type RowProblem } from '../errors.js';
import { APIError, APIUserAbortError, LightfieldError, NotFoundError } from '../lightfield/errors.js';
import type { RowStatus } from '../report/row-outcome.js';

export interface SendFailure {
  problem: RowProblem;
  attempts: number;
  /** The request may have landed: keep it in flight so the rerun sends it again with its key. */
  unknown: boolean;
  /** 404: the record the request was for is gone (deleted in Lightfield). */
  deleted?: boolean;
}

/** Turns a write's client error into the row's problem; rethrows what is not a client error. */
export function describeFailure(error: unknown): SendFailure {
  const attempts = (error as { attempts?: number }).attempts ?? 1;
  if (error instanceof NotFoundError) {
    return {
      attempts,
      unknown: false,
      deleted: true,
      problem: {
        type: error.type ?? 'not_found',
        code: 'record_deleted',
        param: error.param ?? '',
        message: `the opportunity has been deleted in Lightfield (404): ${error.message}`,
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
        ...(error.status >= 500 ? { unanswered: true } : {}),
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
        ...(error instanceof APIUserAbortError ? {} : { unanswered: true }),
        type: 'connection_error',
        code: error.name,
        param: '',
        message: `${error.message} after ${attempts} attempts; the next run sends it again with the same Idempotency-Key`,
      },
    };
  }
  throw error;
}

/**
 * The status and problem of a row whose processing threw outside a write's answer: the ledger or
 * the shared rate budget failed, the run stopped during its lookups, or a lookup got no answer.
 * Undefined for anything else (a bug), which the caller reports as an internal error.
 */
export function interruptedRow(error: unknown): { status: RowStatus; problem: RowProblem } | undefined {
  if (error instanceof ImportError && (error.code === 'state_unwritable' || error.code === 'state_damaged')) {
    return {
      status: 'failed',
      problem: {
        type: 'state_unwritable',
        code: 'ledger_unwritable',
        param: '',
        message:
          `${error.message} The run stopped: free some space and rerun the same command; ` +
          'a request that went out is sent again with its Idempotency-Key, so nothing is created twice.',
      },
    };
  }
  if (error instanceof ImportError && error.code === 'rate_limiter_unavailable') {
    // No slot could be had for the row's next request. A request that went out before stays in
    // flight in the ledger and is sent again, with its key, by the rerun.
    return {
      status: 'not_attempted',
      problem: { type: 'rate_limiter_unavailable', code: 'not_attempted', param: '', message: `${error.message}; rerun the same command to resume` },
    };
  }
  if (error instanceof APIUserAbortError) {
    return {
      status: 'not_attempted',
      problem: { type: 'stopped', code: 'not_attempted', param: '', message: 'the run stopped before this row was sent; rerun the same command to resume' },
    };
  }
  if (error instanceof LightfieldError) {
    // A lookup (or the 24 h identity check) got no usable answer: nothing was written.
    return {
      status: 'failed',
      problem: {
        ...(!(error instanceof APIError) || error.status >= 500 ? { unanswered: true } : {}),
        type: error instanceof APIError ? (error.type ?? `http_${error.status}`) : 'connection_error',
        code: error instanceof APIError ? (error.code ?? String(error.status)) : error.name,
        param: '',
        message: `a lookup for this row failed: ${error.message}; the row itself was not sent (a record a find-or-create lookup was making may have landed: the rerun finds it, or sends it again with its key)`,
      },
    };
  }
  return undefined;
}
