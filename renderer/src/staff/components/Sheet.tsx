// Typing into a field: a sheet over the screen with the value, the field's own problem (if any)
// and the keyboard. Nothing changes until Done; Cancel always gets out.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Keypad } from './Keypad';
import { StaffKeyboard } from './StaffKeyboard';

export interface EntrySheetProps {
  title: string;
  initial: string;
  maxLength: number;
  /** digits: the number pad; text: the full staff keyboard. */
  kind: 'digits' | 'text';
  /** Secrets: shown as dots, and never put back into the sheet. */
  masked?: boolean;
  /** A check as the admin types: a message explains what is wrong. */
  check?(value: string): string | null;
  hint?: string;
  doneLabel?: string;
  /**
   * Values to pick with one tap (the MIS's attendance codes): shown first, instead of the
   * keyboard, which one more tap brings up for a value not in the list.
   */
  choices?: { value: string; label: string }[];
  choicesLabel?: string;
  /** Long text that keeps its line breaks (message templates): shown as typed, with a New line key. */
  multiline?: boolean;
  onDone(value: string): void;
  onCancel(): void;
}

export function EntrySheet({ title, initial, maxLength, kind, masked = false, check, hint, doneLabel, choices, choicesLabel, multiline = false, onDone, onCancel }: EntrySheetProps) {
  const { t } = useTranslation();
  const [value, setValue] = useState(initial);
  const [picking, setPicking] = useState(!!choices?.length);
  // A long text scrolls inside the field: keep the end, where the typing is, in view.
  const field = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (multiline && field.current) field.current.scrollTop = field.current.scrollHeight;
  }, [multiline, value]);
  if (picking && choices) {
    return (
      <div className="overlay staff-overlay">
        <div className="dialog sheet sheet-choices" role="dialog" aria-modal="true" aria-labelledby="sheet-title">
          <SheetHead title={title} onCancel={onCancel}>
            <button type="button" className="btn btn-secondary" onClick={() => setPicking(false)}>
              {t('staff.common.typeInstead')}
            </button>
          </SheetHead>
          {choicesLabel && <p className="hint">{choicesLabel}</p>}
          <div className="choice-grid sheet-choice-grid" role="group" aria-label={choicesLabel ?? title} data-testid="sheet-choices">
            {choices.map((c) => (
              <button type="button" key={c.value} className={`choice${c.value === initial ? ' choice-on' : ''}`} aria-pressed={c.value === initial} onClick={() => onDone(c.value)}>
                {c.label}
              </button>
            ))}
          </div>
        </div>
      </div>
    );
  }
  const problem = check ? check(value) : null;
  const shown = masked ? '•'.repeat(value.length) : value;
  return (
    <div className="overlay staff-overlay">
      <div className={`dialog sheet sheet-${kind}`} role="dialog" aria-modal="true" aria-labelledby="sheet-title">
        <SheetHead title={title} onCancel={onCancel}>
          <button type="button" className="btn btn-primary" disabled={problem !== null} onClick={() => onDone(value)}>
            {doneLabel ?? t('staff.common.done')}
          </button>
        </SheetHead>
        <div ref={field} className={`field sheet-field${multiline ? ' sheet-field-multiline' : ''}`} role="textbox" aria-readonly="true" aria-multiline={multiline || undefined} aria-label={title} data-testid="sheet-value">
          {shown || <span className="field-placeholder">{t('staff.common.empty')}</span>}
          <span className="caret" aria-hidden="true" />
        </div>
        {problem ? (
          <p className="field-problem" role="alert">
            {problem}
          </p>
        ) : (
          hint && <p className="hint">{hint}</p>
        )}
        {kind === 'digits' ? (
          <Keypad onDigit={(d) => value.length < maxLength && setValue(value + d)} onErase={() => setValue(value.slice(0, -1))} onClear={() => setValue('')} />
        ) : (
          <StaffKeyboard value={value} onChange={setValue} maxLength={maxLength} newline={multiline} />
        )}
      </div>
    </div>
  );
}

/** The sheet's title with Cancel, then the sheet's own action. */
function SheetHead({ title, onCancel, children }: { title: string; onCancel(): void; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="sheet-head">
      <h2 id="sheet-title">{title}</h2>
      <div className="sheet-actions">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          {t('staff.common.cancel')}
        </button>
        {children}
      </div>
    </div>
  );
}

/** Are you sure? The safe choice has focus and comes first. */
export function Confirm({ title, body, yes, no, onYes, onNo }: { title: string; body: string; yes: string; no: string; onYes(): void; onNo(): void }) {
  return (
    <div className="overlay staff-overlay">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-body">
        <h2 id="confirm-title">{title}</h2>
        <p id="confirm-body">{body}</p>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" autoFocus onClick={onNo}>
            {no}
          </button>
          <button type="button" className="btn btn-primary" onClick={onYes}>
            {yes}
          </button>
        </div>
      </div>
    </div>
  );
}
