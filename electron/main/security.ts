// What the kiosk's web content may do: almost nothing. The renderer is our own bundle, but it
// shows names typed at a public desk and runs all day unattended, so every door Chromium offers
// (navigation, new windows, permissions, downloads, <webview>) is shut here, in main, where a
// compromised page cannot reopen it.
import type { App, Session, WebContents } from 'electron';
import type { Logger } from '../core/logging/logger';

const cspDirectives = [
  "default-src 'none'",
  "script-src 'self'",
  // React sets style attributes, and the renderer's own meta tag allows inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "media-src 'self'",
  // The renderer talks to main over IPC only; nothing it fetches leaves the app bundle.
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/**
 * The Content-Security-Policy for the kiosk's page, sent as a response header by main. The
 * renderer's index.html should carry `KIOSK_CSP_META` in its meta tag as well: a file:// page
 * may never pass through the header hook, and the stricter of the two always wins.
 */
export const KIOSK_CSP = [...cspDirectives, "frame-ancestors 'none'"].join('; ');

/** The same policy for a `<meta http-equiv>` tag (browsers ignore frame-ancestors there). */
export const KIOSK_CSP_META = cspDirectives.join('; ');

/**
 * For `PASSDESK_DEV_URL` (the Vite dev server) only: React's refresh preamble is an inline
 * script and hot reload talks over a websocket. Never used by a packaged kiosk.
 */
export function devCsp(devUrl: string): string {
  const url = new URL(devUrl);
  const ws = `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`;
  return cspDirectives
    .map((d) => {
      if (d.startsWith('script-src')) return "script-src 'self' 'unsafe-inline'";
      if (d.startsWith('connect-src')) return `connect-src 'self' ${ws}`;
      return d;
    })
    .join('; ');
}

type SessionHooks = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'on'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

/** Deny every permission, set the CSP on every response, refuse downloads. */
export function hardenSession(ses: SessionHooks, options: { csp: string; log: Logger }): void {
  const { csp, log } = options;
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      // Drop any policy already present so that ours is the one that applies.
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
  // Camera, microphone, notifications, geolocation, HID, serial…: the kiosk needs none of them
  // from the web side (the scanner is read in main), so a request is a sign something is wrong.
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn('permission request denied', { permission });
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (event) => {
    log.warn('download refused');
    event.preventDefault();
  });
}

type ContentsHooks = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** No navigation away from the app, no new windows, no <webview>. */
export function hardenContents(contents: ContentsHooks, log: Logger): void {
  // In-page routing (hash or history API) does not emit these, so the app itself is unaffected.
  contents.on('will-navigate', (event) => {
    log.warn('navigation blocked', { url: safeOrigin(event.url) });
    event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    log.warn('redirect blocked', { url: safeOrigin(event.url) });
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    log.warn('webview blocked');
    event.preventDefault();
  });
  contents.setWindowOpenHandler((details) => {
    log.warn('new window blocked', { url: safeOrigin(details.url) });
    return { action: 'deny' };
  });
}

/** Every WebContents the app ever creates gets the same guards, not only the kiosk window's. */
export function guardAllContents(app: Pick<App, 'on'>, log: Logger): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, log));
}

/** The log keeps the origin only: a URL's path or query could carry a student's name. */
function safeOrigin(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid url';
  }
}
