import { describe, expect, it } from 'vitest';
import { attachmentPath, parseAttachmentPath } from './file-urls';

describe('attachment paths', () => {
  it('round-trip, with odd characters escaped', () => {
    const loc = { base: 'b 1/x', id: 'att_ABC', part: 'thumb-12' };
    expect(attachmentPath(loc)).toBe('/files/b%201%2Fx/att_ABC/thumb-12');
    expect(parseAttachmentPath(attachmentPath(loc))).toEqual(loc);
  });

  it('name nothing for other paths, unknown parts or bad escapes', () => {
    for (const p of ['/files/b/a', '/files/b/a/file/x', '/other/b/a/file', '/files/b/a/..', '/files/b/a/thumb-', '/files/%E0%A4%A/a/file', '/files//a/file', 'files/b/a/file']) {
      expect(parseAttachmentPath(p), p).toBeNull();
    }
  });
});
