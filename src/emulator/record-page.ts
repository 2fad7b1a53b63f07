/**
 * The pages behind `httpLink` (`/app/{collection}/{id}`): a person following a link from an import report
 * sees the record as the emulator holds it, instead of a dead link.
 */
import type { Entity } from '../lightfield/types.js';
import { kindOfCollection } from './objects.js';
import type { Org } from './org.js';
import type { Answer } from './routes.js';

const PAGE_PATH = /^\/app\/(opportunities|accounts|contacts|notes|members)\/([^/]+)$/;

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
  const kind = kindOfCollection(collection ?? '');
  const entity: Entity | undefined = kind ? org.records(kind.objectType).get(id) : org.member(id);
  const title = entity ? `${collection ?? ''} ${id}` : 'Not found';
  const content = entity ? JSON.stringify(entity, null, 2) : `No record ${id} in ${collection ?? ''}.`;
  return {
    status: entity ? 200 : 404,
    body: `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)} — Lightfield emulator</title><h1>${escapeHtml(title)}</h1><pre>${escapeHtml(content)}</pre>`,
  };
}
