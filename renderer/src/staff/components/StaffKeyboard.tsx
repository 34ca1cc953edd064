// The staff keyboard: the kiosk's keyboard capitalises names, but settings need lower case
// (host names), symbols (URLs, codes like "/" and "\") and digits. Keys are real buttons of 64 px
// and up; there is no native field, so the OS keyboard never opens over the screen.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

const LETTERS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const DIGITS = '1234567890';
const SYMBOLS = ['/\\:.-_@#&', "+=()'\",;!?", '%*~|<>[]{}'];

export interface StaffKeyboardProps {
  value: string;
  onChange(next: string): void;
  maxLength: number;
  /** A "New line" key, for the long texts that keep their line breaks (message templates). */
  newline?: boolean;
}

export function StaffKeyboard({ value, onChange, maxLength, newline = false }: StaffKeyboardProps) {
  const { t } = useTranslation();
  const [shift, setShift] = useState(false);
  const [symbols, setSymbols] = useState(false);
  const type = (ch: string) => {
    if (value.length >= maxLength) return;
    onChange(value + ch);
    if (shift) setShift(false);
  };
  const rows = symbols ? SYMBOLS : LETTERS;
  return (
    <div className="keyboard staff-keyboard" role="group" aria-label={t('keyboard.label')}>
      <div className="keyboard-row">
        {[...DIGITS].map((k) => (
          <button type="button" className="key" key={k} onClick={() => type(k)} data-key={k}>
            {k}
          </button>
        ))}
      </div>
      {rows.map((row, i) => (
        <div className="keyboard-row" key={row}>
          {i === 2 && !symbols && (
            <button
              type="button"
              className={`key key-wide${shift ? ' key-on' : ''}`}
              aria-pressed={shift}
              onClick={() => setShift(!shift)}
              aria-label={t('staff.desk.shiftLabel')}
            >
              ⇧ {t('staff.keyboard.shift')}
            </button>
          )}
          {[...row].map((k) => {
            const ch = shift ? k.toUpperCase() : k;
            return (
              <button type="button" className="key" key={k} onClick={() => type(ch)} data-key={ch}>
                {ch}
              </button>
            );
          })}
        </div>
      ))}
      <div className="keyboard-row">
        <button type="button" className="key key-wide" onClick={() => setSymbols(!symbols)} aria-pressed={symbols}>
          {symbols ? t('staff.keyboard.letters') : t('staff.keyboard.symbols')}
        </button>
        <button type="button" className="key key-space" onClick={() => type(' ')}>
          {t('keyboard.space')}
        </button>
        {newline && (
          <button type="button" className="key key-wide" onClick={() => type('\n')} data-key="newline">
            ↵ {t('staff.keyboard.newLine')}
          </button>
        )}
        <button type="button" className="key key-wide" onClick={() => onChange('')} aria-label={t('keyboard.clearLabel')}>
          {t('keyboard.clear')}
        </button>
        <button type="button" className="key key-wide" onClick={() => onChange(value.slice(0, -1))} aria-label={t('keyboard.backspaceLabel')}>
          ⌫ {t('keyboard.backspace')}
        </button>
      </div>
    </div>
  );
}
