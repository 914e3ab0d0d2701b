import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvDecoder, ENCODING_SAMPLE_BYTES, detectEncoding, firstInvalidUtf8 } from './csv-encoding';
import { type TempDir, engineErrorOf, makeTempDir, readAll } from './csv-test.util';

const TEXT = 'Name,City,Temp\r\nRené,Zürich,21°\r\n"Smörgås, Ltd",Ålesund,-3°\r\n';
const EXPECTED_ROWS = [
  ['René', 'Zürich', '21°'],
  ['Smörgås, Ltd', 'Ålesund', '-3°'],
];

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1] as number;
    be[i + 1] = le[i] as number;
  }
  return be;
}

/** Windows-1252 bytes of text made of Latin-1 characters only. */
function latin1(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

describe('detectEncoding', () => {
  it('recognizes each byte-order mark', () => {
    expect(detectEncoding(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61), true)).toEqual({ encoding: 'utf-8-bom', bomLength: 3 });
    expect(detectEncoding(Uint8Array.of(0xff, 0xfe, 0x61, 0), true)).toEqual({ encoding: 'utf-16le', bomLength: 2 });
    expect(detectEncoding(Uint8Array.of(0xfe, 0xff, 0, 0x61), true)).toEqual({ encoding: 'utf-16be', bomLength: 2 });
  });

  it('recognizes UTF-16 without a BOM by where its NUL bytes sit', () => {
    expect(detectEncoding(Buffer.from(TEXT, 'utf16le'), true)).toEqual({ encoding: 'utf-16le', bomLength: 0 });
    expect(detectEncoding(utf16be(TEXT), true)).toEqual({ encoding: 'utf-16be', bomLength: 0 });
  });

  it('tells valid UTF-8 from Latin-1', () => {
    expect(detectEncoding(Buffer.from(TEXT), true).encoding).toBe('utf-8');
    expect(detectEncoding(Buffer.from('plain ascii'), true).encoding).toBe('utf-8');
    expect(detectEncoding(latin1(TEXT), true).encoding).toBe('windows-1252');
  });

  it('does not hold a multi-byte character cut at the end of the sample against UTF-8, unless the file ends there', () => {
    const cut = Buffer.from('abc€').subarray(0, 5); // € is 3 bytes; keep 2 of them
    expect(detectEncoding(cut, false).encoding).toBe('utf-8');
    expect(detectEncoding(cut, true).encoding).toBe('windows-1252');
  });
});

describe('CsvDecoder', () => {
  it('decodes a character split across chunks once its last byte arrives', () => {
    const bytes = Buffer.from('a€b😀c');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const decoder = new CsvDecoder('utf-8', 0);
      const text = decoder.decode(bytes.subarray(0, cut)) + decoder.decode(bytes.subarray(cut)) + decoder.end();
      expect(text, `cut at ${cut}`).toBe('a€b😀c');
    }
  });

  it('names the byte offset of invalid UTF-8, also when the bad sequence starts in the previous chunk', () => {
    const bytes = Buffer.concat([Buffer.from('abcdef'), Buffer.from([0xe9]), Buffer.from('xyz')]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const decoder = new CsvDecoder('utf-8', 100);
      let error: unknown;
      try {
        decoder.decode(bytes.subarray(0, cut));
        decoder.decode(bytes.subarray(cut));
        decoder.end();
      } catch (e) {
        error = e;
      }
      expect(error, `cut at ${cut}`).toMatchObject({ code: 'CSV_ENCODING', details: { offset: 106 } });
    }
  });

  it('reports a sequence cut off by the end of the file', () => {
    const decoder = new CsvDecoder('utf-8', 0);
    decoder.decode(Buffer.from('ab').subarray(0, 2));
    decoder.decode(Buffer.from([0xe2, 0x82]));
    expect(() => decoder.end()).toThrow(/invalid byte sequence at byte 2/);
  });

  it('finds the first invalid UTF-8 sequence, including overlong and surrogate forms', () => {
    expect(firstInvalidUtf8(Buffer.from('ok €'), 0, true)).toBe(-1);
    expect(firstInvalidUtf8(Uint8Array.of(0x61, 0xc0, 0x80), 0, true)).toBe(1);
    expect(firstInvalidUtf8(Uint8Array.of(0x61, 0x62, 0xed, 0xa0, 0x80), 0, true)).toBe(2);
    expect(firstInvalidUtf8(Uint8Array.of(0x61, 0xe2, 0x82), 0, false)).toBe(-1);
    expect(firstInvalidUtf8(Uint8Array.of(0x61, 0xe2, 0x82), 0, true)).toBe(1);
  });
});

describe('reading files in each encoding', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.remove());

  const cases: Array<[string, () => Buffer, string]> = [
    ['UTF-8', () => Buffer.from(TEXT), 'utf-8'],
    ['UTF-8 with BOM', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]), 'utf-8-bom'],
    ['UTF-16 LE with BOM', () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]), 'utf-16le'],
    ['UTF-16 BE with BOM', () => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TEXT)]), 'utf-16be'],
    ['UTF-16 LE without BOM', () => Buffer.from(TEXT, 'utf16le'), 'utf-16le'],
    ['Latin-1 (é, ü, °)', () => latin1(TEXT), 'windows-1252'],
  ];

  for (const [name, bytes, encoding] of cases) {
    it(`reads ${name} with the BOM removed from the first header name`, async () => {
      const file = tmp.file('data.csv', bytes());
      for (const chunkSize of [undefined, 1, 3, 7]) {
        const result = await readAll(file, { chunkSize });
        expect(result.encoding).toBe(encoding);
        expect(result.header).toEqual(['Name', 'City', 'Temp']);
        expect(result.rows).toEqual(EXPECTED_ROWS);
      }
    });
  }

  it('reads Windows-1252 punctuation (€, curly quotes) in a Latin-1 file', async () => {
    const file = tmp.file('w.csv', Buffer.from([0x41, 0x0a, 0x80, 0x20, 0x93, 0x78, 0x94, 0x0a]));
    expect((await readAll(file)).rows).toEqual([['€ “x”']]);
  });

  it('uses the encoding it is given and still skips a matching BOM', async () => {
    const file = tmp.file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('A\nü\n')]));
    const asUtf8 = await readAll(file, { encoding: 'utf-8' });
    expect(asUtf8.header).toEqual(['A']);
    expect(asUtf8.rows).toEqual([['ü']]);
    const plain = tmp.file('plain.csv', Buffer.from('A\nü\n'));
    expect((await readAll(plain, { encoding: 'windows-1252' })).rows).toEqual([['Ã¼']]);
  });

  it('fails with CSV_ENCODING naming the byte offset when a file that starts as UTF-8 has a Latin-1 byte later', async () => {
    const head = Buffer.from(`Name,Note\n${'row,ascii only\n'.repeat(Math.ceil(ENCODING_SAMPLE_BYTES / 15) + 10)}`);
    const bad = Buffer.concat([head, Buffer.from('Caf'), Buffer.from([0xe9]), Buffer.from(',x\n')]);
    const file = tmp.file('late.csv', bad);
    const error = await engineErrorOf(readAll(file));
    expect(error.code).toBe('CSV_ENCODING');
    expect(error.details).toMatchObject({ offset: head.length + 3 });
    expect(error.message).toContain(`invalid byte sequence at byte ${head.length + 3}`);
  });

  it('treats a file whose sample ends inside a multi-byte character as UTF-8', async () => {
    // The 3-byte € straddles the end of the detection sample.
    const filler = 'x'.repeat(ENCODING_SAMPLE_BYTES - 1 - 'A\n'.length);
    const file = tmp.file('straddle.csv', Buffer.from(`A\n${filler}€\nend\n`));
    const result = await readAll(file);
    expect(result.encoding).toBe('utf-8');
    expect(result.rows).toEqual([[`${filler}€`], ['end']]);
  });
});
