// A row of choices where exactly one is on: direction filters, status filters, enum settings.
// Buttons with aria-pressed, so touch, a screen reader and the e2e tests all see the same thing.
import { useTranslation } from 'react-i18next';

export interface SegmentedOption<T extends string> {
  value: T;
  label: string;
}

export function Segmented<T extends string>({
  options,
  value,
  onChange,
  label,
  disabled = false,
}: {
  options: SegmentedOption<T>[];
  value: T;
  onChange(v: T): void;
  label: string;
  disabled?: boolean;
}) {
  return (
    <div className="segmented" role="group" aria-label={label}>
      {options.map((o) => (
        <button
          type="button"
          key={o.value}
          className={`segment${o.value === value ? ' segment-on' : ''}`}
          aria-pressed={o.value === value}
          disabled={disabled}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

/** An on/off switch that says what it means in words, not only by its colour. */
export function Toggle({ on, onChange, label, disabled = false, onText, offText }: { on: boolean; onChange(v: boolean): void; label: string; disabled?: boolean; onText: string; offText: string }) {
  const { t } = useTranslation();
  // The name holds the word on the switch ("On"), so a voice-control user can say it (WCAG 2.5.3).
  return (
    <button type="button" role="switch" aria-checked={on} aria-label={t('staff.desk.switchValue', { label, value: on ? onText : offText })} className={`toggle${on ? ' toggle-on' : ''}`} disabled={disabled} onClick={() => onChange(!on)}>
      <span className="toggle-track" aria-hidden="true">
        <span className="toggle-knob" />
      </span>
      <span className="toggle-text">{on ? onText : offText}</span>
    </button>
  );
}
