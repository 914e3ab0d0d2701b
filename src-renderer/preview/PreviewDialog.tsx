/**
 * An attachment shown large: PDF pages (pdf.js), a DXF drawing (three.js), a picture; anything
 * else as a download. Opened from a cell or the record panel, or from a search, when it opens at
 * the search's first match. Several attachments in one cell: ← and → (or the buttons) go through
 * them. Escape closes.
 */
import { Suspense, lazy, useEffect, useRef, useState } from 'react';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { AttachmentPreviews } from '../../src-shared/api/engine.dto';
import type { AttachmentRef } from '../../src-shared/schema/schema.types';
import { attachmentUrl } from '../engine/files';
import { ImageViewer, type Mark } from './ImageViewer';

const PdfViewer = lazy(() => import('./PdfViewer'));
const DxfViewer = lazy(() => import('./DxfViewer').then((m) => ({ default: m.DxfViewer })));

const SHOWN_AS_PICTURE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** PDFs larger than this are offered as a download rather than read whole into the page. */
const MAX_PREVIEW_BYTES = 256 * 1024 * 1024;

interface Loaded {
  id: string;
  info: AttachmentPreviews | null;
  data: ArrayBuffer | null;
  error: string | null;
}
const NOTHING: Loaded = { id: '', info: null, data: null, error: null };
const NO_MARKS: Mark[] = [];

export interface PreviewRequest {
  attachments: AttachmentRef[];
  index: number;
  /** A search to open at. */
  find?: string;
}

export function PreviewDialog({ engine, base, request, onClose }: { engine: EngineClient; base: string; request: PreviewRequest; onClose(): void }): React.JSX.Element {
  const [index, setIndex] = useState(request.index);
  const ref = request.attachments[index] ?? request.attachments[0]!;
  // What was loaded, for which attachment: after a switch, nothing of the previous one shows.
  const [loaded, setLoaded] = useState<Loaded>({ id: '', info: null, data: null, error: null });
  const { info, data, error } = loaded.id === ref.id ? loaded : NOTHING;
  const dialogRef = useRef<HTMLDivElement | null>(null);
  const several = request.attachments.length > 1;

  useEffect(() => {
    let gone = false;
    const id = ref.id;
    const set = (patch: Partial<Loaded>): void => {
      if (!gone) setLoaded((l) => ({ ...(l.id === id ? l : { ...NOTHING, id }), ...patch }));
    };
    engine['attachment.previews']({ base, id })
      .then(async (p) => {
        set({ info: p });
        const part = p.kind === 'pdf' || (p.kind === null && ref.type === 'application/pdf') ? 'file' : p.kind === 'dxf' && p.geometry ? 'geometry' : null;
        if (!part || gone) return;
        if (part === 'file' && ref.size > MAX_PREVIEW_BYTES) return;
        const res = await fetch(attachmentUrl(base, id, part));
        if (!res.ok) throw new Error(`the file could not be read (${res.status})`);
        const buf = await res.arrayBuffer();
        set({ data: buf });
      })
      .catch((e: Error) => set({ error: `'${ref.name}' could not be shown: ${e.message}` }));
    return () => {
      gone = true;
    };
  }, [engine, base, ref.id, ref.name, ref.type, ref.size]);

  // Opened from a search: where it matched in a picture's OCR'd words.
  const [found, setFound] = useState<{ id: string; marks: Mark[] }>({ id: '', marks: [] });
  const marks = found.id === ref.id ? found.marks : NO_MARKS;
  useEffect(() => {
    if (!request.find || !SHOWN_AS_PICTURE.has(ref.type)) return;
    let gone = false;
    engine['attachment.find']({ base, id: ref.id, search: request.find }).then(
      (r) => !gone && setFound({ id: ref.id, marks: r.matches.flatMap((m) => m.boxes ?? []) }),
      () => undefined,
    );
    return () => {
      gone = true;
    };
  }, [engine, base, ref.id, ref.type, request.find]);

  // Focus moves into the dialog, stays in it (Tab and Shift+Tab go round), and goes back to what
  // opened it when it closes.
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    dialogRef.current?.focus();
    return () => opener?.focus?.();
  }, []);
  const trapTab = (e: React.KeyboardEvent): void => {
    if (e.key !== 'Tab' || !dialogRef.current) return;
    const focusable = Array.from(dialogRef.current.querySelectorAll<HTMLElement>('button:not([disabled]), a[href], input:not([disabled]), select, [tabindex="0"]')).filter((el) => el.offsetParent !== null);
    if (focusable.length === 0) return;
    const first = focusable[0]!;
    const last = focusable.at(-1)!;
    if (e.shiftKey && (document.activeElement === first || document.activeElement === dialogRef.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  const go = (by: 1 | -1): void => setIndex((i) => (i + by + request.attachments.length) % request.attachments.length);
  const onKey = (e: React.KeyboardEvent): void => {
    trapTab(e);
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    } else if (several && e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
      e.preventDefault();
      go(e.key === 'ArrowLeft' ? -1 : 1);
    }
  };

  const kind = info?.kind ?? null;
  let body: React.JSX.Element;
  if (error) body = <p className="preview-message error" role="alert">{error}</p>;
  else if (!info) body = <p className="preview-message">Opening…</p>;
  else if ((kind === 'pdf' || ref.type === 'application/pdf') && ref.size > MAX_PREVIEW_BYTES) {
    body = (
      <p className="preview-message">
        {ref.name} is {formatBytes(ref.size)}, too large to show here.{' '}
        <a href={attachmentUrl(base, ref.id, 'file')} download={ref.name}>
          Download it
        </a>{' '}
        to open it in another program.
      </p>
    );
  } else if (kind === 'pdf' || ref.type === 'application/pdf') {
    body = data ? (
      <Suspense fallback={<p className="preview-message">Opening…</p>}>
        <PdfViewer data={data} {...(request.find ? { find: request.find } : {})} />
      </Suspense>
    ) : (
      <p className="preview-message">Opening…</p>
    );
  } else if (kind === 'dxf' && info.geometry) {
    body = data ? (
      <Suspense fallback={<p className="preview-message">Opening…</p>}>
        <DxfViewer data={data} {...(request.find ? { find: request.find } : {})} />
      </Suspense>
    ) : (
      <p className="preview-message">Opening…</p>
    );
  } else if (SHOWN_AS_PICTURE.has(ref.type)) body = <ImageViewer url={attachmentUrl(base, ref.id, 'file')} name={ref.name} marks={marks} />;
  else if (info.thumbnails > 0) body = <ImageViewer url={attachmentUrl(base, ref.id, 'thumb-0')} name={`${ref.name} (thumbnail)`} />;
  else
    body = (
      <p className="preview-message">
        There is no preview of {ref.name} ({ref.type}).{' '}
        <a href={attachmentUrl(base, ref.id, 'file')} download={ref.name}>
          Download it
        </a>{' '}
        to open it in another program.
      </p>
    );

  return (
    <div className="preview-backdrop" role="presentation" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="attachment-preview" role="dialog" aria-modal="true" aria-label={`Preview of ${ref.name}`} data-testid="preview" data-kind={kind ?? ''} tabIndex={-1} ref={dialogRef} onKeyDown={onKey}>
        <header>
          {several && (
            <button type="button" aria-label="Previous attachment" title="Previous (Alt ←)" onClick={() => go(-1)}>
              ←
            </button>
          )}
          <h2 title={ref.name}>{ref.name}</h2>
          <span className="meta">
            {[kind?.toUpperCase(), info?.pages ? `${info.pages} ${info.pages === 1 ? 'page' : 'pages'}` : null, formatBytes(ref.size), several ? `${index + 1} of ${request.attachments.length}` : null]
              .filter(Boolean)
              .join(' · ')}
          </span>
          {several && (
            <button type="button" aria-label="Next attachment" title="Next (Alt →)" onClick={() => go(1)}>
              →
            </button>
          )}
          <a className="button-link" href={attachmentUrl(base, ref.id, 'file')} download={ref.name}>
            Download
          </a>
          <button type="button" className="icon" aria-label="Close preview" onClick={onClose}>
            ×
          </button>
        </header>
        {body}
      </div>
    </div>
  );
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}
