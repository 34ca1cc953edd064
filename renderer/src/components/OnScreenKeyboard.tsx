// A touch keyboard: the kiosk has no physical one, and a native field would pop the OS keyboard
// over half the screen. Keys are real buttons (64 px and up) so touch, mouse and screen readers
// all work; letters are capitalised at the start of each word, as names are.
import { useTranslation } from 'react-i18next';

const LETTER_ROWS = ['QWERTYUIOP', "ASDFGHJKL'", 'ZXCVBNM-.'];
const DIGIT_ROW = '1234567890';

export interface OnScreenKeyboardProps {
  value: string;
  onChange(next: string): void;
  maxLength: number;
  withDigits?: boolean;
}

function nextChar(value: string, key: string): string {
  if (!/[A-Z]/.test(key)) return key;
  const startOfWord = value.length === 0 || /[\s\-'.]$/.test(value);
  return startOfWord ? key : key.toLowerCase();
}

export function OnScreenKeyboard({ value, onChange, maxLength, withDigits = false }: OnScreenKeyboardProps) {
  const { t } = useTranslation();
  const rows = withDigits ? [DIGIT_ROW, ...LETTER_ROWS] : LETTER_ROWS;
  const type = (key: string) => {
    if (value.length >= maxLength) return;
    onChange(value + nextChar(value, key));
  };
  return (
    <div className="keyboard" role="group" aria-label={t('keyboard.label')}>
      {rows.map((row) => (
        <div className="keyboard-row" key={row}>
          {[...row].map((k) => (
            <button type="button" className="key" key={k} onClick={() => type(k)} data-key={k}>
              {k}
            </button>
          ))}
        </div>
      ))}
      <div className="keyboard-row">
        <button
          type="button"
          className="key key-wide"
          onClick={() => onChange('')}
          aria-label={t('keyboard.clearLabel')}
        >
          {t('keyboard.clear')}
        </button>
        <button
          type="button"
          className="key key-space"
          onClick={() => value && !value.endsWith(' ') && type(' ')}
        >
          {t('keyboard.space')}
        </button>
        <button
          type="button"
          className="key key-wide"
          onClick={() => onChange(value.slice(0, -1))}
          aria-label={t('keyboard.backspaceLabel')}
        >
          ⌫ {t('keyboard.backspace')}
        </button>
      </div>
    </div>
  );
}
