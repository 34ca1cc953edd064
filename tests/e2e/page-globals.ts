// Code passed to page.evaluate runs in Chromium, but tests typecheck with Node's libraries (no
// DOM, on purpose: core must not lean on browser globals). These types describe the little of the
// page that tests touch; callbacks cast `globalThis` to PageGlobals inside themselves, since an
// evaluated function cannot close over anything from this process.
export interface PageRect {
  top: number;
  bottom: number;
  left: number;
  right: number;
  width: number;
  height: number;
}

export interface PageElement {
  tagName: string;
  textContent: string | null;
  offsetParent: unknown;
  getBoundingClientRect(): PageRect;
  click(): void;
}

export interface PageGlobals {
  innerWidth: number;
  innerHeight: number;
  document: {
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): Iterable<PageElement>;
    fonts: { ready: Promise<unknown> };
  };
  __kioskInvoke?: (name: string, payload: unknown) => Promise<unknown>;
  __kioskEmit?: (event: string, payload: unknown) => void;
}
