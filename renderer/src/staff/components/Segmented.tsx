// A row of choices where exactly one is on: direction filters, status filters, enum settings.
// Buttons with aria-pressed, so touch, a screen reader and the e2e tests all see the same thing.
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
  return (
    <button type="button" role="switch" aria-checked={on} aria-label={label} className={`toggle${on ? ' toggle-on' : ''}`} disabled={disabled} onClick={() => onChange(!on)}>
      <span className="toggle-track" aria-hidden="true">
        <span className="toggle-knob" />
      </span>
      <span className="toggle-text">{on ? onText : offText}</span>
    </button>
  );
}
