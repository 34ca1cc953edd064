// Draws one part of the settings from its schema node: a time as a stepper, a code or a name on
// the staff keyboard, a switch, a row of choices, lists with add / move / remove. Each field
// shows its own messages right under it, and a field the district locked shows the lock and why.
import i18next from 'i18next';
import { createContext, useContext, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Segmented, Toggle } from '../components/Segmented';
import { EntrySheet } from '../components/Sheet';
import { codeChoices, isCodePath, type MisCode } from './codes';
import { BadgePatternWarning } from './BadgePatternWarning';
import { blankFor, getIn, humanise, isOptional, kindOf, lockFor, pathKey, type Issue, type JsonNode, type Lock, type Path } from './schema';
import { timeProblem } from './timeEntry';

export interface FormContext {
  draft: unknown;
  set(path: Path, value: unknown): void;
  issues: Issue[];
  locks: Lock[];
  /** The MIS's attendance codes once fetched: code fields offer them as choices. */
  codes?: MisCode[];
}

const Ctx = createContext<FormContext | null>(null);
export const FormProvider = ({ value, children }: { value: FormContext; children: ReactNode }) => <Ctx.Provider value={value}>{children}</Ctx.Provider>;
function useForm(): FormContext {
  const c = useContext(Ctx);
  if (!c) throw new Error('useForm outside FormProvider');
  return c;
}

/** The field's name in the school's words; a field added after the words were written reads its own key. */
export function fieldLabel(key: string): string {
  const k = `staff.field.${key}`;
  return i18next.exists(k) ? i18next.t(k) : humanise(key);
}
function fieldHint(key: string): string | null {
  const k = `staff.fieldHint.${key}`;
  return i18next.exists(k) ? i18next.t(k) : null;
}
/** Option words are keyed by the value; characters a key cannot hold (",", tab) by their code: "_44". */
export function optionKey(value: unknown): string {
  return String(value).replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0)}`);
}
function optionLabel(value: unknown): string {
  const k = `staff.option.${optionKey(value)}`;
  return i18next.exists(k) ? i18next.t(k) : String(value);
}

/** Drawn, not an emoji: the kiosk has no emoji font. */
function LockIcon() {
  return (
    <svg className="lock-icon" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" aria-hidden="true" focusable="false">
      <rect x="4" y="11" width="16" height="10" rx="2" />
      <path d="M8 11V7a4 4 0 0 1 8 0v4" />
    </svg>
  );
}

/** Short values sit side by side; text, lists and groups take the whole row. */
function isWide(node: JsonNode): boolean {
  const k = kindOf(node);
  if (k.kind === 'time' || k.kind === 'number' || k.kind === 'boolean') return false;
  if (k.kind === 'choice') return k.options.length > 3;
  if (k.kind === 'text') return (node.maxLength ?? 1000) > 16;
  if (k.kind === 'nullable') return isWide(k.inner);
  return true;
}

/** One node of the settings at `path`. `name` is the property's key (for its label). */
export function SchemaField({ node, path, name, optional = false }: { node: JsonNode; path: Path; name: string; optional?: boolean }) {
  const { t } = useTranslation();
  const form = useForm();
  const value = getIn(form.draft, path);
  const lock = lockFor(form.locks, path);
  const ownLock = lock && lock.path === pathKey(path) ? lock : null;
  const messages = form.issues.filter((i) => i.path === pathKey(path)).map((i) => i.message);
  const kind = kindOf(node);
  const label = fieldLabel(name);
  const hint = fieldHint(name);
  const disabled = lock !== null;
  const set = (v: unknown) => form.set(path, v);
  const grouped = kind.kind === 'object' || kind.kind === 'list' || kind.kind === 'variants';
  // Under a group's overrides, "not set" means the school's own setting applies.
  const inherits = path.includes('overrides');

  let body: ReactNode;
  if (optional && value === undefined) {
    body = (
      <div className="field-row">
        <span className="field-value field-unset">{inherits ? t('staff.form.notSet') : t('staff.form.notSetPlain')}</span>
        <button type="button" className="btn btn-secondary btn-small" disabled={disabled} onClick={() => set(blankFor(node))}>
          {t('staff.form.set', { label })}
        </button>
      </div>
    );
  } else {
    body = <Widget node={node} path={path} name={name} value={value} set={set} disabled={disabled} label={label} />;
  }

  const Wrapper = grouped ? 'fieldset' : 'div';
  return (
    <Wrapper className={`form-field${grouped ? ' form-group' : ''}${isWide(node) ? ' form-field-wide' : ''}${messages.length ? ' form-field-bad' : ''}${disabled ? ' form-field-locked' : ''}`} data-path={pathKey(path)}>
      <div className="form-label-row">
        {grouped ? <legend className="form-label">{label}</legend> : <span className="form-label">{label}</span>}
        {optional && value !== undefined && (
          <button type="button" className="btn btn-secondary btn-small" disabled={disabled} onClick={() => set(undefined)}>
            {inherits ? t('staff.form.unset') : t('staff.form.unsetPlain')}
          </button>
        )}
      </div>
      {hint && <p className="hint form-hint">{hint}</p>}
      {pathKey(path) === 'scanner.badgePattern' && typeof value === 'string' && <BadgePatternWarning pattern={value} />}
      {ownLock && (
        <p className="form-lock" data-testid="lock-note">
          <LockIcon />
          {t('staff.form.locked', { district: ownLock.district, reason: ownLock.reason })}
        </p>
      )}
      {body}
      {messages.map((m) => (
        <p className="field-problem" role="alert" key={m}>
          {m}
        </p>
      ))}
    </Wrapper>
  );
}

/** The properties of an object node, in schema order. */
export function ObjectFields({ node, path, only, except }: { node: JsonNode; path: Path; only?: string[]; except?: string[] }) {
  return (
    <>
      {Object.entries(node.properties ?? {})
        .filter(([k]) => (!only || only.includes(k)) && !except?.includes(k))
        .map(([k, child]) => (
          <SchemaField key={k} node={child} path={[...path, k]} name={k} optional={isOptional(node, k, path)} />
        ))}
    </>
  );
}

interface WidgetProps {
  node: JsonNode;
  path: Path;
  name: string;
  value: unknown;
  set(v: unknown): void;
  disabled: boolean;
  label: string;
}

function Widget(p: WidgetProps) {
  const { t } = useTranslation();
  const kind = kindOf(p.node);
  switch (kind.kind) {
    case 'time':
      return <TimeField {...p} />;
    case 'text':
      return <TextField {...p} />;
    case 'number':
      return <NumberField {...p} integer={kind.integer} />;
    case 'boolean':
      return <Toggle on={p.value === true} onChange={p.set} label={p.label} disabled={p.disabled} onText={t('staff.form.on')} offText={t('staff.form.off')} />;
    case 'choice':
      return <Segmented label={p.label} value={String(p.value)} disabled={p.disabled} onChange={(v) => p.set(kind.options.find((o) => String(o) === v))} options={kind.options.map((o) => ({ value: String(o), label: optionLabel(o) }))} />;
    case 'multi': {
      const on = new Set(Array.isArray(p.value) ? (p.value as string[]) : []);
      return (
        <div className="segmented" role="group" aria-label={p.label}>
          {kind.options.map((o) => (
            <button type="button" key={o} className={`segment${on.has(o) ? ' segment-on' : ''}`} aria-pressed={on.has(o)} disabled={p.disabled} onClick={() => p.set(kind.options.filter((x) => (x === o ? !on.has(o) : on.has(x))))}>
              {optionLabel(o)}
            </button>
          ))}
        </div>
      );
    }
    case 'strings':
      return <StringList {...p} />;
    case 'list':
      return <ObjectList {...p} item={kind.item} />;
    case 'record':
      return <RecordField {...p} />;
    case 'object':
      return (
        <div className="form-children">
          <ObjectFields node={p.node} path={p.path} />
        </div>
      );
    case 'nullable':
      return (
        <div className="form-children">
          <Segmented
            label={p.label}
            disabled={p.disabled}
            value={p.value === null || p.value === undefined ? 'none' : 'set'}
            onChange={(v) => p.set(v === 'none' ? null : blankFor({ ...kind.inner, default: undefined }))}
            options={[
              { value: 'none', label: t('staff.form.none') },
              { value: 'set', label: t('staff.form.setValue') },
            ]}
          />
          {p.value !== null && p.value !== undefined && <Widget {...p} node={kind.inner} />}
        </div>
      );
    case 'variants': {
      const current = (p.value as Record<string, unknown> | undefined)?.[kind.key];
      const variant = kind.variants.find((v) => v.value === current) ?? kind.variants[0]!;
      return (
        <div className="form-children">
          <Segmented
            label={fieldLabel(kind.key)}
            disabled={p.disabled}
            value={variant.value}
            onChange={(v) => {
              const next = kind.variants.find((x) => x.value === v)!;
              p.set({ ...(blankFor(next.node) as object), [kind.key]: v });
            }}
            options={kind.variants.map((v) => ({ value: v.value, label: optionLabel(v.value) }))}
          />
          <ObjectFields node={variant.node} path={p.path} except={[kind.key]} />
        </div>
      );
    }
    default:
      return <p className="hint">{t('staff.form.cannotEdit')}</p>;
  }
}

/** The MIS's codes for a code field, once fetched; none for any other field. */
function useCodeChoices(path: Path, except: string[] = []): { value: string; label: string }[] | undefined {
  const codes = useForm().codes;
  if (!codes?.length || !isCodePath(path)) return undefined;
  return codeChoices(codes.filter((c) => !except.includes(c.code)));
}

function TextField({ node, value, set, disabled, label, path }: WidgetProps) {
  const { t } = useTranslation();
  const [typing, setTyping] = useState(false);
  const choices = useCodeChoices(path);
  const text = typeof value === 'string' ? value : '';
  return (
    <>
      <button
        type="button"
        className="field form-input"
        disabled={disabled}
        onClick={() => setTyping(true)}
        aria-label={t('staff.desk.editValue', { label, value: text || t('staff.common.empty') })}
      >
        {text || <span className="field-placeholder">{t('staff.common.empty')}</span>}
      </button>
      {typing && (
        <EntrySheet
          title={label}
          initial={text}
          kind="text"
          maxLength={node.maxLength ?? 200}
          // A long text (a message template, up to 4000 characters) keeps its line breaks.
          multiline={(node.maxLength ?? 0) > 1000}
          choices={choices}
          choicesLabel={t('staff.admin.codes.pick')}
          onCancel={() => setTyping(false)}
          onDone={(v) => {
            setTyping(false);
            set(v);
          }}
        />
      )}
    </>
  );
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}
const hhmm = (mins: number) => `${String(Math.floor(mins / 60)).padStart(2, '0')}:${String(mins % 60).padStart(2, '0')}`;

/** A time by touch: five minutes either way, or tap the time to type it exactly. */
function TimeField({ value, set, disabled, label }: WidgetProps) {
  const { t } = useTranslation();
  const [typing, setTyping] = useState(false);
  const text = typeof value === 'string' && /^\d{2}:\d{2}$/.test(value) ? value : '00:00';
  const step = (d: number) => set(hhmm(Math.min(23 * 60 + 59, Math.max(0, minutes(text) + d))));
  return (
    <div className="stepper">
      <button type="button" className="btn btn-secondary btn-small stepper-btn" disabled={disabled} onClick={() => step(-5)} aria-label={t('staff.form.earlier', { label })}>
        −5
      </button>
      <button type="button" className="field stepper-value form-time" disabled={disabled} onClick={() => setTyping(true)} aria-label={t('staff.desk.editValue', { label, value: text })}>
        {text}
      </button>
      <button type="button" className="btn btn-secondary btn-small stepper-btn" disabled={disabled} onClick={() => step(5)} aria-label={t('staff.form.later', { label })}>
        +5
      </button>
      {typing && (
        <EntrySheet
          title={label}
          initial=""
          kind="digits"
          maxLength={4}
          hint={t('staff.form.timeHint')}
          check={(v) => timeProblem(t, v)}
          onCancel={() => setTyping(false)}
          onDone={(v) => {
            setTyping(false);
            set(`${v.slice(0, 2)}:${v.slice(2)}`);
          }}
        />
      )}
    </div>
  );
}

function NumberField({ node, value, set, disabled, label, integer }: WidgetProps & { integer: boolean }) {
  const { t } = useTranslation();
  const [typing, setTyping] = useState(false);
  const n = typeof value === 'number' ? value : 0;
  const min = node.minimum ?? -Infinity;
  const max = node.maximum ?? Infinity;
  const step = !integer ? 0.5 : max - min > 5000 ? 100 : 1;
  const clamp = (x: number) => Math.min(max, Math.max(min, x));
  return (
    <div className="stepper">
      <button type="button" className="btn btn-secondary btn-small stepper-btn" disabled={disabled || n <= min} onClick={() => set(clamp(n - step))} aria-label={t('staff.form.less', { label })}>
        −
      </button>
      <button type="button" className="field stepper-value" disabled={disabled} onClick={() => setTyping(true)} aria-label={t('staff.desk.editValue', { label, value: String(n) })}>
        {n}
      </button>
      <button type="button" className="btn btn-secondary btn-small stepper-btn" disabled={disabled || n >= max} onClick={() => set(clamp(n + step))} aria-label={t('staff.form.more', { label })}>
        +
      </button>
      {typing && (
        <EntrySheet
          title={label}
          initial={String(n)}
          kind="digits"
          maxLength={6}
          check={(v) => (v !== '' && Number(v) >= min && Number(v) <= max ? null : t('staff.form.between', { min, max }))}
          onCancel={() => setTyping(false)}
          onDone={(v) => {
            setTyping(false);
            set(Number(v));
          }}
        />
      )}
    </div>
  );
}

/** Codes such as the protected codes: each a chip that can be removed, and an Add. */
function StringList({ node, value, set, disabled, label, path }: WidgetProps) {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(false);
  const list = Array.isArray(value) ? (value as string[]) : [];
  const choices = useCodeChoices(path, list);
  return (
    <div className="chip-edit">
      {list.map((s, i) => (
        <button type="button" key={`${s}-${i}`} className="code-chip" disabled={disabled} onClick={() => set(list.filter((_, j) => j !== i))} aria-label={t('staff.form.removeItem', { item: s })}>
          {s} <span aria-hidden="true">✕</span>
        </button>
      ))}
      <button type="button" className="btn btn-secondary btn-small" disabled={disabled} onClick={() => setAdding(true)}>
        {t('staff.form.add')}
      </button>
      {adding && (
        <EntrySheet
          title={t('staff.form.addTo', { label })}
          initial=""
          kind="text"
          maxLength={node.items?.maxLength ?? 40}
          choices={choices}
          choicesLabel={t('staff.admin.codes.pick')}
          onCancel={() => setAdding(false)}
          onDone={(v) => {
            setAdding(false);
            if (v.trim()) set([...list, v.trim()]);
          }}
        />
      )}
    </div>
  );
}

/** Reasons, groups, periods: a card each, in order, with move up / down and remove. */
function ObjectList({ value, set, disabled, label, path, item }: WidgetProps & { item: JsonNode }) {
  const { t } = useTranslation();
  const list = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
  const move = (i: number, d: number) => {
    const next = [...list];
    const [x] = next.splice(i, 1);
    next.splice(i + d, 0, x!);
    set(next);
  };
  return (
    <div className="form-list">
      {list.map((entry, i) => {
        const title = String(entry?.label ?? entry?.name ?? entry?.schoolId ?? `${i + 1}`);
        return (
          <div className="form-card" key={i} data-item={i}>
            <div className="form-card-head">
              <span className="form-card-title">{title}</span>
              <div className="form-card-actions">
                <button type="button" className="btn btn-secondary btn-small" disabled={disabled || i === 0} onClick={() => move(i, -1)} aria-label={t('staff.form.up', { item: title })}>
                  ↑
                </button>
                <button type="button" className="btn btn-secondary btn-small" disabled={disabled || i === list.length - 1} onClick={() => move(i, 1)} aria-label={t('staff.form.down', { item: title })}>
                  ↓
                </button>
                <button type="button" className="btn btn-secondary btn-small" disabled={disabled} onClick={() => set(list.filter((_, j) => j !== i))} aria-label={t('staff.form.removeItem', { item: title })}>
                  {t('staff.form.remove')}
                </button>
              </div>
            </div>
            {kindOf(item).kind === 'object' ? <ObjectFields node={item} path={[...path, i]} /> : <SchemaField node={item} path={[...path, i]} name={String(i + 1)} />}
          </div>
        );
      })}
      <button type="button" className="btn btn-secondary" disabled={disabled} onClick={() => set([...list, blankFor(item)])}>
        {t('staff.form.addTo', { label })}
      </button>
    </div>
  );
}

/** A map such as our code → the SIS's code: pairs, each removable, and an Add that asks for both. */
function RecordField({ value, set, disabled, label }: WidgetProps) {
  const { t } = useTranslation();
  const [step, setStep] = useState<{ key: string | null } | null>(null);
  const map = value && typeof value === 'object' ? (value as Record<string, string>) : {};
  return (
    <div className="chip-edit">
      {Object.entries(map).map(([k, v]) => (
        <button
          type="button"
          key={k}
          className="code-chip"
          disabled={disabled}
          onClick={() => set(Object.fromEntries(Object.entries(map).filter(([x]) => x !== k)))}
          aria-label={t('staff.form.removeItem', { item: `${k} → ${v}` })}
        >
          {k} → {v} <span aria-hidden="true">✕</span>
        </button>
      ))}
      <button type="button" className="btn btn-secondary btn-small" disabled={disabled} onClick={() => setStep({ key: null })}>
        {t('staff.form.add')}
      </button>
      {step && (
        <EntrySheet
          key={step.key === null ? 'key' : 'value'}
          title={step.key === null ? t('staff.form.mapFrom', { label }) : t('staff.form.mapTo', { key: step.key })}
          initial=""
          kind="text"
          maxLength={200}
          onCancel={() => setStep(null)}
          onDone={(v) => {
            if (!v.trim()) return setStep(null);
            if (step.key === null) return setStep({ key: v.trim() });
            set({ ...map, [step.key]: v.trim() });
            setStep(null);
          }}
        />
      )}
    </div>
  );
}
