/**
 * Attachments as the grid and the record panel show them: each with its thumbnail (the first
 * page of a PDF, a DXF drawn small, the picture) or a badge of its kind, its name; a click or
 * Enter opens the preview, at the current search's first match when there is one.
 */
import { createContext, useCallback, useContext, useMemo, useState } from 'react';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { AttachmentRef } from '../../src-shared/schema/schema.types';
import { attachmentUrl } from '../engine/files';
import { PreviewDialog, formatBytes, type PreviewRequest } from './PreviewDialog';

interface PreviewContextValue {
  base: string;
  open(attachments: AttachmentRef[], index: number): void;
}

const PreviewContext = createContext<PreviewContextValue | null>(null);

/** Lets the attachments inside open previews; `search` is where a preview opens. */
export function PreviewProvider({ engine, base, search, children }: { engine: EngineClient; base: string; search: string; children: React.ReactNode }): React.JSX.Element {
  const [request, setRequest] = useState<PreviewRequest | null>(null);
  const open = useCallback((attachments: AttachmentRef[], index: number) => setRequest({ attachments, index, ...(search ? { find: search } : {}) }), [search]);
  const value = useMemo(() => ({ base, open }), [base, open]);
  return (
    <PreviewContext.Provider value={value}>
      {children}
      {request && <PreviewDialog engine={engine} base={base} request={request} onClose={() => setRequest(null)} />}
    </PreviewContext.Provider>
  );
}

function badge(a: AttachmentRef): string {
  const dot = a.name.lastIndexOf('.');
  return dot > 0 ? a.name.slice(dot + 1, dot + 5).toUpperCase() : 'FILE';
}

function Thumb({ base, a }: { base: string; a: AttachmentRef }): React.JSX.Element {
  const [failed, setFailed] = useState(false);
  if (failed) return <span className="file-icon" aria-hidden="true">{badge(a)}</span>;
  return <img src={attachmentUrl(base, a.id, 'thumb-0')} alt="" loading="lazy" draggable={false} onError={() => setFailed(true)} />;
}

/** Small chips, for a grid cell. */
export function AttachmentChips({ value }: { value: AttachmentRef[] }): React.JSX.Element | null {
  const ctx = useContext(PreviewContext);
  if (!ctx) return null;
  return (
    <span className="chips">
      {value.map((a, i) => (
        <button
          type="button"
          key={a.id}
          className="attachment-chip"
          title={`${a.name} · ${formatBytes(a.size)} — open the preview`}
          onClick={(e) => {
            e.stopPropagation();
            ctx.open(value, i);
          }}
          onKeyDown={(e) => e.key === 'Enter' && e.stopPropagation()}
        >
          <Thumb base={ctx.base} a={a} />
          <span className="name">{a.name}</span>
        </button>
      ))}
    </span>
  );
}

/** Larger tiles, for the record panel. */
export function AttachmentTiles({ value, label }: { value: AttachmentRef[]; label: string }): React.JSX.Element {
  const ctx = useContext(PreviewContext);
  if (!ctx || value.length === 0) return <span className="muted" aria-label={label}>No files</span>;
  return (
    <div className="attachment-tiles" aria-label={label}>
      {value.map((a, i) => (
        <button type="button" key={a.id} className="attachment-tile" title={`${a.name} · ${formatBytes(a.size)}`} onClick={() => ctx.open(value, i)}>
          <Thumb base={ctx.base} a={a} />
          <span className="name">{a.name}</span>
        </button>
      ))}
    </div>
  );
}
