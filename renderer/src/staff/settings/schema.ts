// The settings form is drawn from the settings schema itself (shared/settings.ts, as JSON Schema),
// so a section the lead adds later (printer, MIS, fleet…) appears with fields and checks without
// a new screen. This module is pure: the schema as a tree of nodes, a blank value for a new list
// item, the checks run as the admin types, and where each message belongs.
import { z } from 'zod';
import { powerschoolBaseUrl } from '../../../../shared/mis-us';
import { describeIssues, siteSettings } from '../../../../shared/settings';

export interface JsonNode {
  type?: string | string[];
  properties?: Record<string, JsonNode>;
  required?: string[];
  items?: JsonNode;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonNode[];
  oneOf?: JsonNode[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  additionalProperties?: JsonNode | boolean;
  propertyNames?: JsonNode;
}

export type Path = (string | number)[];
export type Issue = { path: string; message: string };
export type Lock = { path: string; reason: string; district: string };

/** The form's view of a node: what widget draws it. */
export type NodeKind =
  | { kind: 'time' }
  | { kind: 'text' }
  | { kind: 'number'; integer: boolean }
  | { kind: 'boolean' }
  | { kind: 'choice'; options: (string | number)[] }
  | { kind: 'multi'; options: string[] }
  | { kind: 'strings' }
  | { kind: 'list'; item: JsonNode }
  | { kind: 'record'; value: JsonNode }
  | { kind: 'object' }
  | { kind: 'nullable'; inner: JsonNode }
  | { kind: 'variants'; key: string; variants: { value: string; node: JsonNode }[] }
  | { kind: 'unknown' };

const CLOCK = '^([01]\\d|2[0-3]):[0-5]\\d$';

let cached: JsonNode | null = null;
export function settingsSchema(): JsonNode {
  cached ??= z.toJSONSchema(siteSettings, { io: 'input', unrepresentable: 'any' }) as JsonNode;
  return cached;
}

const isNull = (n: JsonNode) => n.type === 'null';

export function kindOf(node: JsonNode): NodeKind {
  const alts = node.anyOf ?? node.oneOf;
  if (alts) {
    const nonNull = alts.filter((a) => !isNull(a));
    if (nonNull.length < alts.length && nonNull.length === 1) return { kind: 'nullable', inner: nonNull[0]! };
    if (nonNull.length < alts.length) return { kind: 'nullable', inner: { anyOf: nonNull } };
    if (alts.every((a) => a.const !== undefined)) return { kind: 'choice', options: alts.map((a) => a.const as string | number) };
    // A discriminated union: every alternative an object with one constant property in common.
    const key = Object.keys(alts[0]?.properties ?? {}).find((k) => alts.every((a) => a.properties?.[k]?.const !== undefined));
    if (key) return { kind: 'variants', key, variants: alts.map((a) => ({ value: String(a.properties![key]!.const), node: a })) };
    return { kind: 'unknown' };
  }
  if (node.enum) return { kind: 'choice', options: node.enum as (string | number)[] };
  switch (node.type) {
    case 'string':
      return node.pattern === CLOCK ? { kind: 'time' } : { kind: 'text' };
    case 'integer':
    case 'number':
      return { kind: 'number', integer: node.type === 'integer' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'array': {
      const item = node.items ?? {};
      if (item.enum) return { kind: 'multi', options: item.enum as string[] };
      if (item.type === 'string') return { kind: 'strings' };
      return { kind: 'list', item };
    }
    case 'object':
      if (!node.properties && node.additionalProperties && typeof node.additionalProperties === 'object') return { kind: 'record', value: node.additionalProperties };
      return { kind: 'object' };
    default:
      return { kind: 'unknown' };
  }
}

let cachedOutput: JsonNode | null = null;
function outputSchema(): JsonNode {
  cachedOutput ??= z.toJSONSchema(siteSettings, { io: 'output', unrepresentable: 'any' }) as JsonNode;
  return cachedOutput;
}

/** The output schema's node holding `path`: properties by name (in any variant), items by index. */
function outputNodeAt(path: Path): JsonNode | undefined {
  let node: JsonNode | undefined = outputSchema();
  for (const seg of path) {
    if (!node) return undefined;
    const alts: JsonNode[] = [node, ...(node.anyOf ?? []), ...(node.oneOf ?? [])];
    node = typeof seg === 'number' ? alts.find((a) => a.items)?.items : alts.find((a) => a.properties?.[seg])?.properties?.[seg];
  }
  return node;
}

/**
 * Optional in the settings: may be left out (a group's override, a reason's own pass message).
 * The input schema says what may be left out when typing; a field with a default is always there
 * in the saved settings, so the output schema (where it is required) has the last word.
 */
export function isOptional(parent: JsonNode, key: string, parentPath: Path = []): boolean {
  const child = parent.properties?.[key];
  if ((parent.required ?? []).includes(key) || child?.default !== undefined) return false;
  const out = outputNodeAt(parentPath);
  const alts = out ? [out, ...(out.anyOf ?? []), ...(out.oneOf ?? [])] : [];
  return !alts.some((a) => a.required?.includes(key));
}

/** A value to start a new list item or an optional field with: the defaults, blanks elsewhere. */
export function blankFor(node: JsonNode): unknown {
  if (node.default !== undefined) return structuredClone(node.default);
  const k = kindOf(node);
  switch (k.kind) {
    case 'time':
      return '09:00';
    case 'text':
      return '';
    case 'number':
      return node.minimum !== undefined && node.minimum > 0 ? node.minimum : 0;
    case 'boolean':
      return false;
    case 'choice':
      return k.options[0];
    case 'multi':
      return [...k.options];
    case 'strings':
    case 'list':
      return [];
    case 'record':
      return {};
    case 'nullable':
      return null;
    case 'variants':
      return blankFor(k.variants[0]!.node);
    case 'object':
      return Object.fromEntries(
        Object.entries(node.properties ?? {})
          .filter(([key]) => !isOptional(node, key))
          .map(([key, child]) => [key, blankFor(child)]),
      );
    default:
      return null;
  }
}

export const pathKey = (path: Path) => path.map(String).join('.');

/** Every message for the draft, as main would give them, plus the checks main's schema leaves to the connector. */
export function checkDraft(draft: unknown): Issue[] {
  const parsed = siteSettings.safeParse(draft);
  const issues = parsed.success ? [] : describeIssues(parsed.error);
  const mis = (draft as { mis?: { connector?: string; baseUrl?: unknown } } | null)?.mis;
  if (mis?.connector === 'powerschool' && typeof mis.baseUrl === 'string' && !issues.some((i) => i.path === 'mis.baseUrl')) {
    const url = powerschoolBaseUrl.safeParse(mis.baseUrl);
    if (!url.success) issues.push({ path: 'mis.baseUrl', message: url.error.issues[0]!.message });
  }
  return issues;
}

/** The district's lock on this field or on a section that holds it. */
export function lockFor(locks: Lock[], path: Path): Lock | null {
  const key = pathKey(path);
  return locks.find((l) => key === l.path || key.startsWith(`${l.path}.`)) ?? null;
}

/** Which top-level section a message belongs to, so the summary can take the admin there. */
export function sectionOf(issuePath: string, sections: { id: string; keys: string[] }[]): string | null {
  const top = issuePath.split('.')[0] ?? '';
  const second = issuePath.split('.').slice(0, 2).join('.');
  return sections.find((s) => s.keys.includes(second))?.id ?? sections.find((s) => s.keys.includes(top))?.id ?? null;
}

/** A value with `path` set, copied along the way so React sees the change. */
export function setIn<T>(root: T, path: Path, value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path;
  const base = (root ?? (typeof head === 'number' ? [] : {})) as Record<string | number, unknown>;
  const copy = (Array.isArray(base) ? [...base] : { ...base }) as Record<string | number, unknown>;
  if (rest.length === 0 && value === undefined) {
    if (Array.isArray(copy)) (copy as unknown[]).splice(head as number, 1);
    else delete copy[head!];
  } else {
    copy[head!] = setIn(base[head!], rest, value);
  }
  return copy as T;
}

export function getIn(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string | number, unknown>)[k] : undefined), root);
}

/** "requestsPerSecond" → "Requests per second": only for a field added after the words were written. */
export function humanise(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
