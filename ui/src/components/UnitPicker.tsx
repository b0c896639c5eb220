// A searchable list of units (provinces or communes). Filters as you type with the same
// diacritic folding as the core, so "ba dinh" finds "Phường Ba Đình".
import { useMemo, useState } from "preact/hooks";
import { matchesQuery } from "../fold";
import { t } from "../i18n";
import type { Unit } from "../models";

const MAX_SHOWN = 200;

/** Props of the picker. */
export type UnitPickerProps = {
  units: Unit[];
  label: string;
  /** data-testid of the picker container ("province-picker" / "commune-picker"). */
  testId: string;
  optionTestId: string;
  onPick: (unit: Unit) => void;
};

/** Search box plus list of buttons, one per unit. */
export function UnitPicker({ units, label, testId, optionTestId, onPick }: UnitPickerProps) {
  const [query, setQuery] = useState("");
  const filtered = useMemo(() => units.filter((u) => matchesQuery(u.name, query)), [units, query]);
  const shown = filtered.slice(0, MAX_SHOWN);
  const inputId = `${testId}-search`;
  return (
    <div class="picker" data-testid={testId}>
      <label for={inputId} class="field-label">
        {label}
      </label>
      <input
        id={inputId}
        type="search"
        class="text-input"
        value={query}
        autocomplete="off"
        spellcheck={false}
        onInput={(e) => setQuery(e.currentTarget.value)}
        data-testid={`${testId}-search`}
      />
      <p class="muted small" aria-live="polite">
        {t("unitsShown", { shown: filtered.length, total: units.length })}
      </p>
      {shown.length === 0 ? (
        <p class="empty">{t("noUnits")}</p>
      ) : (
        <ul class="choice-list">
          {shown.map((u) => (
            <li key={u.code}>
              <button type="button" class="choice" onClick={() => onPick(u)} data-testid={optionTestId} data-code={u.code}>
                {u.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
