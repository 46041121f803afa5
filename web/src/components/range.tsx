// The date range of a report page, kept in the URL (?days=30, or ?from=&to=) so it survives reloads and
// can be shared.

import { useEffect, useId, useState } from "preact/hooks";
import { isDay, PRESETS, type RangeChoice } from "../dates";
import { setQuery } from "../router";

export function RangePicker({ choice }: { choice: RangeChoice }) {
  const id = useId();
  const [from, setFrom] = useState(choice.range.from);
  const [to, setTo] = useState(choice.range.to);
  const [custom, setCustom] = useState(choice.preset === "custom");
  const [error, setError] = useState("");
  useEffect(() => {
    setFrom(choice.range.from);
    setTo(choice.range.to);
    setCustom(choice.preset === "custom");
  }, [choice.range.from, choice.range.to, choice.preset]);

  const apply = () => {
    if (!isDay(from) || !isDay(to)) return setError("Enter both dates.");
    if (from > to) return setError("The start must not be after the end.");
    setError("");
    setQuery({ from, to, days: null });
  };

  return (
    <div class="range" role="group" aria-label="Date range">
      <div class="field">
        <label for={`${id}-preset`}>Period</label>
        <select
          id={`${id}-preset`}
          value={custom ? "custom" : String(choice.preset)}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            if (v === "custom") {
              setCustom(true);
            } else {
              setCustom(false);
              setQuery({ days: v, from: null, to: null });
            }
          }}
        >
          {PRESETS.map((d) => (
            <option key={d} value={String(d)}>
              Last {d} days
            </option>
          ))}
          <option value="custom">Custom…</option>
        </select>
      </div>
      {custom && (
        <form
          class="range-custom"
          onSubmit={(e) => {
            e.preventDefault();
            apply();
          }}
        >
          <div class="field">
            <label for={`${id}-from`}>From</label>
            <input id={`${id}-from`} type="date" value={from} max={to} onInput={(e) => setFrom(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for={`${id}-to`}>To</label>
            <input id={`${id}-to`} type="date" value={to} min={from} onInput={(e) => setTo(e.currentTarget.value)} />
          </div>
          <button type="submit" class="secondary">
            Apply
          </button>
          {error && (
            <p class="field-error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
