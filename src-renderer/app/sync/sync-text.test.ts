import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../src-shared/api/engine.dto';
import { badgeText, badgeTitle, errorCode, initials, invitationLink, isReadOnlyRole, peerColor, serverAddress, suggestedPath } from './sync-text';

const status = (s: Partial<SyncStatus>): SyncStatus => ({ base: 'b1', baseId: 'x', state: 'synced', pending: 0, lastSyncedAt: null, server: 'https://sync.example.com', ...s });

describe('sync words', () => {
  it('says how a base stands in a few words, counting changes kept here', () => {
    expect(badgeText(status({ state: 'local' }))).toBe('Local only');
    expect(badgeText(status({ state: 'synced' }))).toBe('Synced');
    expect(badgeText(status({ state: 'syncing', pending: 3 }))).toBe('Syncing… (3)');
    expect(badgeText(status({ state: 'syncing' }))).toBe('Syncing…');
    expect(badgeText(status({ state: 'offline', pending: 1 }))).toBe('Offline — 1 change kept here');
    expect(badgeText(status({ state: 'offline', pending: 4 }))).toBe('Offline — 4 changes kept here');
    expect(badgeText(status({ state: 'error', reason: 'Removed from the workspace.' }))).toBe('Sync error');
  });

  it("puts the engine's reason in the explanation of an error or of being offline", () => {
    expect(badgeTitle(status({ state: 'error', reason: 'Removed from the workspace.' }))).toBe('Removed from the workspace.');
    expect(badgeTitle(status({ state: 'offline', reason: 'sync.example.com cannot be reached.' }))).toContain('sync.example.com cannot be reached.');
  });

  it('treats viewers and commenters as read-only, editors and up as not', () => {
    expect(isReadOnlyRole('viewer')).toBe(true);
    expect(isReadOnlyRole('commenter')).toBe(true);
    expect(isReadOnlyRole('editor')).toBe(false);
    expect(isReadOnlyRole(undefined)).toBe(false);
  });

  it('makes initials from names and e-mail addresses', () => {
    expect(initials('Bea Bauer')).toBe('BB');
    expect(initials('ada')).toBe('A');
    expect(initials('jo.smith@example.com')).toBe('JS');
    expect(initials('  ')).toBe('?');
  });

  it("keeps a plain colour and replaces anything else with one from the person's id", () => {
    expect(peerColor({ id: 'u1', color: '#12ab34' })).toBe('#12ab34');
    const fallback = peerColor({ id: 'u1', color: 'red; background: url(x)' });
    expect(fallback).toMatch(/^#[0-9a-f]{6}$/);
    expect(peerColor({ id: 'u1', color: '' })).toBe(fallback);
  });

  it('assumes https for a typed host and drops a trailing slash', () => {
    expect(serverAddress(' sync.example.com/ ')).toBe('https://sync.example.com');
    expect(serverAddress('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
  });

  it('reads the server out of an invitation link, assuming https, and refuses what is not a link', () => {
    expect(invitationLink(' http://127.0.0.1:8787/invite/bpi_abc ')).toEqual({ server: 'http://127.0.0.1:8787', link: 'http://127.0.0.1:8787/invite/bpi_abc' });
    expect(invitationLink('sync.example.com/team/invite/bpi_abc?x=1')).toEqual({ server: 'https://sync.example.com/team', link: 'https://sync.example.com/team/invite/bpi_abc?x=1' });
    expect(invitationLink('bpi_abc')).toBeNull();
    expect(invitationLink('https://sync.example.com/invite/')).toBeNull();
    expect(invitationLink('/invite/bpi_abc')).toBeNull();
  });

  it("tells an engine error's code, and nothing for an error without one", () => {
    expect(errorCode(Object.assign(new Error('Sign in first.'), { code: 'NOT_SIGNED_IN' }))).toBe('NOT_SIGNED_IN');
    expect(errorCode(Object.assign(new Error('x'), { code: 'NO_SUCH_CODE' }))).toBeUndefined();
    expect(errorCode(new Error('x'))).toBeUndefined();
    expect(errorCode('x')).toBeUndefined();
  });

  it('offers a downloaded base beside the most recent base, with a safe file name', () => {
    expect(suggestedPath('Parts list', ['/home/me/work/old.base'])).toBe('/home/me/work/Parts list.base');
    expect(suggestedPath('a/b', ['C:\\Users\\me\\x.base'])).toBe('C:\\Users\\me\\a_b.base');
    expect(suggestedPath('Parts', [])).toBe('Parts.base');
  });
});
