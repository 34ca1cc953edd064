// The doors the kiosk page must find shut: navigation, new windows, permissions, downloads,
// and a Content-Security-Policy on whatever it loads.
import { describe, expect, it, vi } from 'vitest';
import { KIOSK_CSP, KIOSK_CSP_META, devCsp, guardAllContents, hardenContents, hardenSession } from '../../electron/main/security';
import { FakeSession, FakeWebContents, recordingLogger } from './electron-stub';
import { EventEmitter } from 'node:events';
import type { Session } from 'electron';

const event = () => ({ preventDefault: vi.fn(), url: 'https://evil.example/steal?name=Amelia' });

function hardened() {
  const ses = new FakeSession();
  const log = recordingLogger();
  hardenSession(ses as unknown as Session, { csp: KIOSK_CSP, log });
  return { ses, log };
}

describe('the Content-Security-Policy', () => {
  it('allows only the app bundle: no eval, no inline script, no frames, no plugins', () => {
    const d = Object.fromEntries(KIOSK_CSP.split('; ').map((x) => [x.split(' ')[0], x.split(' ').slice(1).join(' ')]));
    expect(d['default-src']).toBe("'none'");
    expect(d['script-src']).toBe("'self'");
    expect(d['object-src']).toBe("'none'");
    expect(d['frame-src']).toBe("'none'");
    expect(d['frame-ancestors']).toBe("'none'");
    expect(d['base-uri']).toBe("'none'");
    expect(KIOSK_CSP).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('has a meta-tag form without the directive browsers ignore there', () => {
    expect(KIOSK_CSP_META).not.toContain('frame-ancestors');
    expect(KIOSK_CSP.startsWith(KIOSK_CSP_META)).toBe(true);
  });

  it('opens only what the Vite dev server needs in development', () => {
    const csp = devCsp('http://localhost:5173/');
    expect(csp).toContain("script-src 'self' 'unsafe-inline'");
    expect(csp).toContain("connect-src 'self' ws://localhost:5173");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('is set on every response, replacing any policy the response carried', () => {
    const { ses } = hardened();
    let result: { responseHeaders?: Record<string, string[]> } = {};
    ses.headersListener!({ responseHeaders: { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] } }, (r) => {
      result = r as typeof result;
    });
    expect(result.responseHeaders).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [KIOSK_CSP] });
  });
});

describe('the kiosk session', () => {
  it('denies every permission request and check, and logs the request', () => {
    const { ses, log } = hardened();
    for (const permission of ['media', 'geolocation', 'notifications', 'hid', 'openExternal', 'clipboard-read']) {
      const answer = vi.fn();
      ses.permissionRequest!({}, permission, answer, {});
      expect(answer).toHaveBeenCalledWith(false);
      expect(ses.permissionCheck!({}, permission, 'file://', {})).toBe(false);
    }
    expect(ses.devicePermission!({ deviceType: 'hid' })).toBe(false);
    expect(log.lines.filter((l) => l.msg === 'permission request denied')).toHaveLength(6);
  });

  it('refuses downloads', () => {
    const { ses } = hardened();
    const e = event();
    ses.emit('will-download', e, {}, {});
    expect(e.preventDefault).toHaveBeenCalled();
  });
});

describe('the kiosk page', () => {
  it('cannot navigate, redirect, attach a webview or open a window', () => {
    const contents = new FakeWebContents();
    const log = recordingLogger();
    hardenContents(contents as never, log);
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const e = event();
      contents.emit(name, e, e.url);
      expect(e.preventDefault, name).toHaveBeenCalled();
    }
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    // The log keeps the origin only: a URL can carry a student's name.
    expect(JSON.stringify(log.lines)).not.toContain('Amelia');
  });

  it('applies to every WebContents the app creates', () => {
    const app = new EventEmitter();
    guardAllContents(app as never, recordingLogger());
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    const e = event();
    contents.emit('will-navigate', e, e.url);
    expect(e.preventDefault).toHaveBeenCalled();
    expect(contents.windowOpenHandler!({ url: 'about:blank' })).toEqual({ action: 'deny' });
  });
});
