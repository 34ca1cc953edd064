// A number pad for PINs and numbers: big keys (64 px and up), no native field, no OS keyboard.
import { useTranslation } from 'react-i18next';

export interface KeypadProps {
  onDigit(d: string): void;
  onErase(): void;
  onClear(): void;
  disabled?: boolean;
  /** Extra key in the bottom-left instead of Clear (e.g. ":" for times). */
  label?: string;
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

export function Keypad({ onDigit, onErase, onClear, disabled = false, label }: KeypadProps) {
  const { t } = useTranslation();
  return (
    <div className="keypad" role="group" aria-label={label ?? t('staff.keypad.label')}>
      {DIGITS.map((d) => (
        <button type="button" key={d} className="key keypad-key" disabled={disabled} onClick={() => onDigit(d)} data-key={d}>
          {d}
        </button>
      ))}
      <button type="button" className="key keypad-key keypad-small" disabled={disabled} onClick={onClear} aria-label={t('staff.keypad.clearLabel')}>
        {t('staff.keypad.clear')}
      </button>
      <button type="button" className="key keypad-key" disabled={disabled} onClick={() => onDigit('0')} data-key="0">
        0
      </button>
      <button type="button" className="key keypad-key keypad-small" disabled={disabled} onClick={onErase} aria-label={t('staff.keypad.eraseLabel')}>
        ⌫
      </button>
    </div>
  );
}
