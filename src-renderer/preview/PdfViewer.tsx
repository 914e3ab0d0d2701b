/**
 * A PDF in the app with pdf.js: every page at the chosen zoom (fit width, fit page, or a
 * percentage), drawn only when near the view; a text layer for selecting and copying; find with
 * next/previous that highlights each hit and scrolls to it. The document is parsed in pdf.js's
 * worker, off the page's thread; script evaluation stays off (the app's CSP forbids it).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { GlobalWorkerOptions, TextLayer, getDocument, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { findFromSearch, findHits, foldForFind, type PdfHit } from './pdf-find';
import { nextZoom, type Zoom } from './zoom';

GlobalWorkerOptions.workerSrc = workerUrl;

interface PageSize {
  width: number;
  height: number;
}

interface Props {
  data: ArrayBuffer;
  /** Text to find when it opens (a search that matched this file). */
  find?: string;
  /** Page to show first (0-based). */
  page?: number;
}

const GAP = 12;

export default function PdfViewer({ data, find, page: firstPage }: Props): React.JSX.Element {
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [sizes, setSizes] = useState<PageSize[]>([]);
  const [texts, setTexts] = useState<string[][] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [zoom, setZoom] = useState<Zoom>({ mode: 'width' });
  const [box, setBox] = useState({ width: 800, height: 600 });
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(0);
  const pagesRef = useRef<HTMLDivElement | null>(null);
  const findRef = useRef<HTMLInputElement | null>(null);

  useEffect(() => {
    let gone = false;
    // pdf.js takes the buffer over (transfers it to its worker): give it a copy.
    const task = getDocument({ data: new Uint8Array(data.slice(0)), isEvalSupported: false, useSystemFonts: true });
    task.promise.then(
      async (d) => {
        if (gone) return;
        const sz: PageSize[] = [];
        for (let i = 1; i <= d.numPages; i++) {
          const vp = (await d.getPage(i)).getViewport({ scale: 1 });
          sz.push({ width: vp.width, height: vp.height });
        }
        if (gone) return;
        setSizes(sz);
        setDoc(d);
        const all: string[][] = [];
        for (let i = 1; i <= d.numPages && !gone; i++) {
          const content = await (await d.getPage(i)).getTextContent();
          all.push(content.items.flatMap((it) => ('str' in it ? [it.str] : [])));
        }
        if (!gone) setTexts(all);
      },
      (e: Error) => !gone && setError(`This PDF could not be shown: ${e.message}`),
    ).catch((e: Error) => {
      // Closed while its text was being read: nothing to show any more.
      if (!gone) setError(`This PDF could not be shown: ${e.message}`);
    });
    return () => {
      gone = true;
      void task.destroy();
    };
  }, [data]);

  // The view's size, for the fitting zooms.
  useEffect(() => {
    const el = pagesRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setBox({ width: el.clientWidth, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, [doc]);

  const scale = useMemo(() => {
    if (zoom.mode === 'scale') return zoom.scale;
    const w = Math.max(1, ...sizes.map((s) => s.width));
    const h = Math.max(1, ...sizes.map((s) => s.height));
    const byWidth = (box.width - 2 * GAP - 16) / w;
    return Math.max(0.1, zoom.mode === 'width' ? byWidth : Math.min(byWidth, (box.height - 2 * GAP) / h));
  }, [zoom, sizes, box]);

  // Opened from a search: find it.
  useEffect(() => {
    if (texts && find) setQuery(findFromSearch(texts, find));
  }, [texts, find]);

  const hits = useMemo<PdfHit[]>(() => (texts ? findHits(texts, query) : []), [texts, query]);
  useEffect(() => setCurrent(0), [query]);
  const hit = hits[current] ?? null;

  // Show the current hit's page (the page then scrolls the hit itself into view once drawn).
  useEffect(() => {
    const target = hit?.page ?? (firstPage !== undefined && !query ? firstPage : null);
    if (target === null) return;
    pagesRef.current?.querySelector<HTMLElement>(`[data-page="${target + 1}"]`)?.scrollIntoView({ block: 'center' });
  }, [hit, firstPage, query, scale]);

  const step = useCallback((by: 1 | -1) => hits.length && setCurrent((c) => (c + by + hits.length) % hits.length), [hits.length]);

  const onKey = (e: React.KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
      e.preventDefault();
      e.stopPropagation();
      findRef.current?.focus();
      findRef.current?.select();
    } else if ((e.ctrlKey || e.metaKey) && (e.key === '+' || e.key === '=' || e.key === '-')) {
      e.preventDefault();
      setZoom(nextZoom(scale, e.key === '-' ? -1 : 1));
    } else if ((e.ctrlKey || e.metaKey) && e.key === '0') {
      e.preventDefault();
      setZoom({ mode: 'width' });
    }
  };

  if (error) return <p className="preview-message error" role="alert">{error}</p>;
  return (
    <div className="pdf-viewer preview-body" data-testid="pdf-viewer" data-pages={sizes.length} onKeyDown={onKey}>
      <div className="viewer-toolbar" role="toolbar" aria-label="PDF view">
        <button type="button" aria-label="Zoom out" title="Zoom out (Ctrl −)" onClick={() => setZoom(nextZoom(scale, -1))}>
          −
        </button>
        <span className="zoom" data-testid="pdf-zoom">
          {Math.round(scale * 100)} %
        </span>
        <button type="button" aria-label="Zoom in" title="Zoom in (Ctrl +)" onClick={() => setZoom(nextZoom(scale, 1))}>
          +
        </button>
        <button type="button" aria-pressed={zoom.mode === 'width'} onClick={() => setZoom({ mode: 'width' })} title="Fit the page width (Ctrl 0)">
          Fit width
        </button>
        <button type="button" aria-pressed={zoom.mode === 'page'} onClick={() => setZoom({ mode: 'page' })}>
          Fit page
        </button>
        <span className="spacer" />
        <input
          ref={findRef}
          type="search"
          aria-label="Find in PDF"
          placeholder="Find in PDF"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              step(e.shiftKey ? -1 : 1);
            }
          }}
        />
        <span className="zoom" data-testid="pdf-find-count" aria-live="polite">
          {query ? (texts ? (hits.length ? `${current + 1} of ${hits.length}` : 'not found') : '…') : ''}
        </span>
        <button type="button" aria-label="Previous match" disabled={hits.length === 0} onClick={() => step(-1)}>
          ↑
        </button>
        <button type="button" aria-label="Next match" disabled={hits.length === 0} onClick={() => step(1)}>
          ↓
        </button>
      </div>
      <div className="pdf-pages" ref={pagesRef} tabIndex={0} aria-label="Pages">
        {doc
          ? sizes.map((size, i) => (
              <PdfPage key={i} doc={doc} index={i} size={size} scale={scale} query={query} currentItem={hit?.page === i ? hit.item : null} root={pagesRef.current} />
            ))
          : <p className="preview-message">Opening…</p>}
      </div>
    </div>
  );
}

function PdfPage({ doc, index, size, scale, query, currentItem, root }: {
  doc: PDFDocumentProxy; index: number; size: PageSize; scale: number; query: string; currentItem: number | null; root: HTMLElement | null;
}): React.JSX.Element {
  const ref = useRef<HTMLDivElement | null>(null);
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const textRef = useRef<HTMLDivElement | null>(null);
  const [near, setNear] = useState(false);
  const [layer, setLayer] = useState<TextLayer | null>(null);
  const [drawn, setDrawn] = useState(false);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => setNear(entries.some((e) => e.isIntersecting)), { root, rootMargin: '600px 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [root]);

  // Draw the page (and its text layer) when near the view, again when the zoom changes; a page far
  // from the view gives its bitmap back (a zoomed page can take hundreds of MB).
  useEffect(() => {
    if (!near) {
      const canvas = canvasRef.current;
      if (canvas && canvas.width > 0) {
        canvas.width = 0;
        canvas.height = 0;
        textRef.current?.replaceChildren();
        setLayer(null);
        setDrawn(false);
        void doc.getPage(index + 1).then((p) => p.cleanup(), () => undefined);
      }
      return;
    }
    let gone = false;
    let cancel: (() => void) | null = null;
    setDrawn(false);
    void (async () => {
      const page = await doc.getPage(index + 1);
      if (gone) return;
      const viewport = page.getViewport({ scale });
      const canvas = canvasRef.current!;
      const ratio = Math.min(window.devicePixelRatio || 1, 2);
      // Very large zooms are drawn at a capped resolution rather than not at all.
      const cap = Math.min(1, 8192 / Math.max(viewport.width * ratio, viewport.height * ratio));
      canvas.width = Math.floor(viewport.width * ratio * cap);
      canvas.height = Math.floor(viewport.height * ratio * cap);
      const task = page.render({ canvas, canvasContext: canvas.getContext('2d')!, viewport, transform: [ratio * cap, 0, 0, ratio * cap, 0, 0] });
      cancel = () => task.cancel();
      try {
        await task.promise;
      } catch {
        return;
      }
      if (gone) return;
      const container = textRef.current!;
      container.replaceChildren();
      const text = new TextLayer({ textContentSource: page.streamTextContent(), container, viewport });
      cancel = () => text.cancel();
      try {
        await text.render();
      } catch {
        return;
      }
      if (gone) return;
      setLayer(text);
      setDrawn(true);
    })();
    return () => {
      gone = true;
      cancel?.();
    };
  }, [near, doc, index, scale]);

  // Find: mark the text items holding the query; bring the current one into view.
  useEffect(() => {
    if (!layer || !drawn) return;
    const q = foldForFind(query);
    let k = 0;
    layer.textContentItemsStr.forEach((s, i) => {
      const div = layer.textDivs[i];
      if (!div) return;
      const isHit = q !== '' && foldForFind(s).includes(q);
      div.classList.toggle('find-hit', isHit);
      div.classList.toggle('current', isHit && i === currentItem);
      if (isHit) k++;
    });
    if (currentItem !== null) layer.textDivs[currentItem]?.scrollIntoView({ block: 'center', inline: 'center' });
    ref.current?.setAttribute('data-hits', String(k));
  }, [layer, drawn, query, currentItem]);

  return (
    <div
      ref={ref}
      className="pdf-page"
      data-page={index + 1}
      data-drawn={drawn ? 'true' : 'false'}
      style={{ width: size.width * scale, height: size.height * scale, ['--total-scale-factor' as string]: scale }}
      aria-label={`Page ${index + 1}`}
    >
      <canvas ref={canvasRef} />
      <div ref={textRef} className="textLayer" />
    </div>
  );
}
