/**
 * The pages behind `httpLink` (`/app/{collection}/{id}`): a person following a link from an import report
 * sees the record as the emulator holds it, instead of a dead link.
 */
import type { Entity } from '../lightfield/types.js';
import type { Answer } from './routes.js';
import type { Org } from './org.js';

const PAGE_PATH = /^\/app\/(opportunities|accounts|members)\/([^/]+)$/;

export function isRecordPagePath(path: string): boolean {
  return PAGE_PATH.test(path);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

export function recordPage(org: Org, path: string): Answer {
  const [, collection, encodedId] = PAGE_PATH.exec(path) ?? [];
  let id = encodedId ?? '';
  try {
    id = decodeURIComponent(id);
  } catch {
    // A malformed escape is simply an unknown ID.
  }
  let entity: Entity | undefined;
  if (collection === 'opportunities') entity = org.opportunities.get(id);
  else if (collection === 'accounts') entity = org.account(id);
  else if (collection === 'members') entity = org.member(id);
  const title = entity ? `${collection ?? ''} ${id}` : 'Not found';
  const content = entity ? JSON.stringify(entity, null, 2) : `No record ${id} in ${collection ?? ''}.`;
  return {
    status: entity ? 200 : 404,
    body: `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)} — Lightfield emulator</title><h1>${escapeHtml(title)}</h1><pre>${escapeHtml(content)}</pre>`,
  };
}
