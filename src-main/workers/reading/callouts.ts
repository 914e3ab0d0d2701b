/**
 * Thread callouts and surface finish in drawing text, the same for every format. Threads: metric
 * (`M8`, `M8x1.25-6H`, `M10 x 1`), unified (`1/4-20 UNC-2B`, `#10-32 UNF`), pipe (`G1/4`, `1/8-27
 * NPT`), each with the count before it (`4 x M8`). Surface finish: roughness values (`Ra 3.2`,
 * `Rz16`, `Ra 0,8`).
 */

export interface ThreadCallout {
  /** The callout as written. */
  text: string;
  /** The thread itself, normalized: `M8x1.25-6H`, `1/4-20 UNC-2B`, `G1/4`. */
  designation: string;
  count: number;
}

const COUNT = String.raw`(?:(\d+)\s*[xX×]\s*)?`;
const METRIC = String.raw`M\s?(\d+(?:[.,]\d+)?)(?:\s*[xX×]\s*(\d+(?:[.,]\d+)?))?(?:\s*-\s*(\d[A-Za-z](?:\d[A-Za-z])?))?`;
const UNIFIED = String.raw`((?:#?\d+|\d+\/\d+|\d+(?:\s\d+\/\d+)?))\s*-\s*(\d+)\s*(UNC|UNF|UNEF|UNS|UN|NPTF?)(?:\s*-\s*(\d[AB]))?`;
// Pipe threads by fraction (G1/4, R1/2) or, not for bare R (a radius), whole inches up to 6 (G1).
const PIPE = String.raw`(G|Rp|Rc|R(?=\s?\d+\/|\s?\d+\s\d+\/))\s?(\d+\s\d+\/\d+|\d+\/\d+|[1-6](?!\d))(?:\s?([AB]))?`;

// Not inside a word or a number: nothing word-like before; after, no letter, digit, slash or decimal.
const THREAD_RE = new RegExp(String.raw`(?<![\w.,])${COUNT}(?:${METRIC}|${UNIFIED}|${PIPE})(?![\w/]|[.,]\d)`, 'g');

const dot = (s: string): string => s.replace(',', '.');

/** Every thread callout in a text. */
export function readThreads(text: string): ThreadCallout[] {
  const out: ThreadCallout[] = [];
  for (const m of text.matchAll(THREAD_RE)) {
    const [whole, count, mDia, mPitch, mClass, uSize, uTpi, uSeries, uClass, pType, pSize, pClass] = m;
    let designation: string;
    if (mDia !== undefined) designation = `M${dot(mDia)}${mPitch ? `x${dot(mPitch)}` : ''}${mClass ? `-${mClass}` : ''}`;
    else if (uSize !== undefined) designation = `${uSize}-${uTpi} ${uSeries}${uClass ? `-${uClass}` : ''}`;
    else designation = `${pType}${pSize}${pClass ?? ''}`;
    out.push({ text: whole.trim(), designation, count: count ? Number(count) : 1 });
  }
  return out;
}

const FINISH_RE = /\b(Ra|Rz|Rmax|Rq|Rt)\s?(\d+(?:[.,]\d+)?)(?![\d.,])/g;

/** Surface roughness requirements, normalized as `Ra 3.2`. */
export function readSurfaceFinish(text: string): string[] {
  return [...text.matchAll(FINISH_RE)].map((m) => `${m[1]} ${dot(m[2]!)}`);
}
