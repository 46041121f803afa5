// Labelled form controls and the display of a rejected write (the problem's field errors next to fields).

import type { ComponentChildren, InputHTMLAttributes } from "preact";
import { useId, useState } from "preact/hooks";
import { ApiError, describeError } from "../api";

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "onInput" | "value" | "label"> & {
  label: string;
  value: string;
  onValue: (v: string) => void;
  hint?: string;
  error?: string | undefined;
};

export function TextField({ label, value, onValue, hint, error, ...rest }: InputProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class={`field${error ? " invalid" : ""}`}>
      <label for={id}>{label}</label>
      <input
        id={id}
        value={value}
        onInput={(e) => onValue((e.currentTarget as HTMLInputElement).value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...rest}
      />
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      )}
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField({
  label,
  value,
  onValue,
  options,
  error,
  disabled,
}: {
  label: string;
  value: string;
  onValue: (v: string) => void;
  options: Option[];
  error?: string | undefined;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div class={`field${error ? " invalid" : ""}`}>
      <label for={id}>{label}</label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(e) => onValue((e.currentTarget as HTMLSelectElement).value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error && (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      )}
    </div>
  );
}

export function TextAreaField({
  label,
  value,
  onValue,
  hint,
  error,
  rows = 4,
}: {
  label: string;
  value: string;
  onValue: (v: string) => void;
  hint?: string;
  error?: string | undefined;
  rows?: number;
}) {
  const id = useId();
  return (
    <div class={`field${error ? " invalid" : ""}`}>
      <label for={id}>{label}</label>
      <textarea
        id={id}
        rows={rows}
        value={value}
        onInput={(e) => onValue((e.currentTarget as HTMLTextAreaElement).value)}
        aria-describedby={[hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined}
      />
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      )}
    </div>
  );
}

// The state of a form's submission: busy while the write runs, the error it answered.
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (write: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await write();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  // The message for a field (matched by its JSON path or its prefix, such as "customer.email").
  const fieldError = (field: string): string | undefined => {
    if (!(error instanceof ApiError)) return undefined;
    const e = error.fieldErrors.find((f) => f.field === field || f.field.startsWith(`${field}.`) || f.field.startsWith(`${field}[`));
    return e?.message;
  };
  return { busy, error, run, fieldError, clear: () => setError(null) };
}

// The summary of a rejected write, announced to screen readers.
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  const fields = error instanceof ApiError ? error.fieldErrors : [];
  return (
    <div class="form-error" role="alert">
      <p>{fields.length > 1 ? "Some fields need attention." : describeError(error)}</p>
      {fields.length > 1 && (
        <ul>
          {fields.map((f) => (
            <li key={f.field}>
              <code>{f.field}</code>: {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Form({
  onSubmit,
  children,
  label,
  class: cls,
}: {
  onSubmit: () => void;
  children: ComponentChildren;
  label: string;
  class?: string;
}) {
  return (
    <form
      class={cls ?? "form"}
      aria-label={label}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}
