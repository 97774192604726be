// Which parts of a mail make its body, as a mail client shows it, and which are its
// files. Pure: the caller says what each leaf is and whether it has any text.
//
// - multipart/alternative: one rendering of the same message, the best that has
//   content: plain text first (the desk works in plain text), else HTML, else any
//   other; an empty text/plain beside a real text/html does not win.
// - multipart/related: its root part (the `start` parameter, else the first) is the
//   body; the rest (images the HTML refers to) are files.
// - any other multipart (mixed, signed, report, …): every part in order, so several
//   inline texts read one after another and an inline HTML part is shown too.
// - a text part marked `inline` with a file name is shown and also kept as a file;
//   with `attachment`, or a file name and no disposition, it is only a file.

import type { MimePart } from './mime-parts';

export interface LeafLook {
  kind: 'plain' | 'html' | 'other';
  /** Content-Disposition's type, lower case ('' when absent). */
  disposition: string;
  filename: string | null;
  /** Its bytes could not be transfer-decoded at all: never shown as text. */
  undecodable: boolean;
  /** Decodes it if needed: has the part any text that is not white space? */
  hasContent(): boolean;
}

export type PartRole =
  /** Read as (part of) the body. */
  | 'body'
  /** Read as body, and kept as a file too (inline text with a file name). */
  | 'body-and-file'
  | 'file'
  /** An HTML rendering not shown (the plain one was): kept for the spam filter, not stored twice. */
  | 'unshown-html'
  /** A plain rendering not shown: the raw message keeps it. */
  | 'unshown-text';

export interface PartPlan {
  part: MimePart;
  role: PartRole;
}

type Look = (leaf: MimePart) => LeafLook;

/** Every leaf of the mail in document order, with the role a mail client would give it. */
export function planParts(root: MimePart, look: Look): PartPlan[] {
  return plan(root, look, true);
}

function mediaTypeOf(part: MimePart): string {
  return part.contentType.split(';')[0].trim().toLowerCase();
}

function plan(part: MimePart, look: Look, shown: boolean): PartPlan[] {
  if (part.children.length === 0) return [{ part, role: leafRole(look(part), shown) }];
  const type = mediaTypeOf(part);
  if (type === 'multipart/alternative') return alternative(part, look, shown);
  if (type === 'multipart/related') return related(part, look, shown);
  return part.children.flatMap((child) => plan(child, look, shown));
}

function leafRole(leaf: LeafLook, shown: boolean): PartRole {
  if (leaf.kind === 'other' || leaf.undecodable || leaf.disposition === 'attachment') return 'file';
  if (leaf.filename) return leaf.disposition === 'inline' && shown ? 'body-and-file' : 'file';
  if (shown) return 'body';
  return leaf.kind === 'html' ? 'unshown-html' : 'unshown-text';
}

/** How much a client wants this rendering: plain over HTML over anything else; with content over without. */
function preference(part: MimePart, look: Look): number {
  const shownLeaves = plan(part, look, true).filter((p) => p.role === 'body' || p.role === 'body-and-file');
  const content = shownLeaves.some((p) => look(p.part).hasContent());
  const kinds = new Set(shownLeaves.map((p) => look(p.part).kind));
  const kind = kinds.has('plain') ? 3 : kinds.has('html') ? 2 : shownLeaves.length > 0 ? 1 : 0;
  return (content ? 10 : 0) + kind;
}

function alternative(part: MimePart, look: Look, shown: boolean): PartPlan[] {
  let best = -1;
  let bestScore = -1;
  if (shown) {
    part.children.forEach((child, i) => {
      const score = preference(child, look);
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    });
  }
  return part.children.flatMap((child, i) => plan(child, look, i === best));
}

function related(part: MimePart, look: Look, shown: boolean): PartPlan[] {
  const start = /;\s*start\s*=\s*"?([^";]+)"?/i.exec(part.contentType)?.[1]?.trim();
  const byStart = start ? part.children.findIndex((c) => c.headers.get('content-id')?.[0]?.trim() === start) : -1;
  const root = byStart >= 0 ? byStart : 0;
  return part.children.flatMap((child, i) => (i === root ? plan(child, look, shown) : plan(child, look, false).map(asFile)));
}

/** A related part other than the root is a file the root refers to, whatever its type. */
function asFile(p: PartPlan): PartPlan {
  return { ...p, role: 'file' };
}
