import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { ApiError, apiRequest } from "../components/api_client.ts";
import {
  checkFields,
  type FieldError,
  type FieldRule,
  type FieldSpec,
  type FormValues,
  toBody,
} from "../components/form_rules.ts";

/** Props of {@linkcode ResourceForm}. */
export interface ResourceFormProps {
  fields: FieldSpec[];
  /** The API schema's rules per body field (`components/field_rules.ts` `rulesOf`). */
  rules: Record<string, FieldRule>;
  /** Initial values as the inputs show them. */
  values: FormValues;
  method: "POST" | "PATCH";
  /** The API URL the form sends to. */
  url: string;
  submitLabel: string;
  /** Where to go after success; `{id}` becomes the saved entity's id. */
  next: string;
  /** Where Cancel leads. */
  cancel?: string;
}

/** Field errors by field name (a nested path counts for its top-level field). */
function byField(problems: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of problems) {
    const key = p.field.split(".")[0];
    out[key] = out[key] ? `${out[key]}; ${p.message}` : p.message;
  }
  return out;
}

function Control({ field, value, invalid, describedBy, onInput }: {
  field: FieldSpec;
  value: string | boolean | undefined;
  invalid: boolean;
  describedBy?: string;
  onInput: (value: string | boolean) => void;
}) {
  const common = {
    id: `f-${field.name}`,
    name: field.name,
    "aria-invalid": invalid ? "true" as const : undefined,
    "aria-describedby": describedBy,
  };
  if (field.kind === "select") {
    return (
      <select {...common} value={String(value ?? "")} onChange={(e) => onInput(e.currentTarget.value)}>
        {field.options?.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
      </select>
    );
  }
  if (field.kind === "checkbox") {
    return (
      <input
        {...common}
        type="checkbox"
        checked={value === true}
        onChange={(e) => onInput(e.currentTarget.checked)}
      />
    );
  }
  return (
    <input
      {...common}
      type={field.kind === "number" ? "number" : field.kind === "datetime" ? "datetime-local" : "text"}
      step={field.step ?? (field.kind === "number" ? "any" : undefined)}
      value={String(value ?? "")}
      placeholder={field.placeholder}
      onInput={(e) => onInput(e.currentTarget.value)}
    />
  );
}

/** A labelled input with its hint, or the error that replaces the hint. */
function Field({ field, required, value, error, onInput }: {
  field: FieldSpec;
  required?: boolean;
  value: string | boolean | undefined;
  error?: string;
  onInput: (value: string | boolean) => void;
}) {
  const id = `f-${field.name}`;
  return (
    <label class={field.kind === "checkbox" ? "field field-check" : "field"} for={id}>
      <span>{field.label}{required && <abbr title="required">*</abbr>}</span>
      <Control
        field={field}
        value={value}
        invalid={!!error}
        describedBy={error ? `${id}-error` : field.hint ? `${id}-hint` : undefined}
        onInput={onInput}
      />
      {error
        ? <p class="field-error" id={`${id}-error`}>{error}</p>
        : field.hint && <p class="field-hint" id={`${id}-hint`}>{field.hint}</p>}
    </label>
  );
}

/**
 * A create or edit form for an API resource: checks the API schema's rules in the browser before
 * sending, then shows the server's own field errors (a taken name, a rule across fields) under their
 * fields and its `detail` above.
 */
export default function ResourceForm(props: ResourceFormProps) {
  const values = useSignal<FormValues>(props.values);
  const errors = useSignal<Record<string, string>>({});
  const formError = useSignal("");
  const busy = useSignal(false);
  // the submit button stays disabled in the server HTML: without JS the form could not send JSON
  const ready = useSignal(false);
  useEffect(() => void (ready.value = true), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const body = toBody(props.fields, values.value);
    const problems = checkFields(props.rules, body, { partial: props.method === "PATCH" });
    errors.value = byField(problems);
    formError.value = problems.length > 0 ? "Check the fields marked below." : "";
    if (problems.length > 0) return;
    busy.value = true;
    try {
      const saved = await apiRequest<{ id?: string } | undefined>(props.method, props.url, body);
      location.assign(props.next.replace("{id}", encodeURIComponent(saved?.id ?? "")));
    } catch (error) {
      busy.value = false;
      if (!(error instanceof ApiError)) throw error;
      errors.value = byField(error.fieldErrors);
      formError.value = error.message;
    }
  };

  return (
    <form class="resource-form" onSubmit={submit} noValidate>
      {formError.value && <p class="form-error" role="alert">{formError.value}</p>}
      <div class="form-grid">
        {props.fields.map((field) => (
          <Field
            key={field.name}
            field={field}
            required={props.method === "POST" && props.rules[field.name]?.required}
            value={values.value[field.name]}
            error={errors.value[field.name]}
            onInput={(v) => (values.value = { ...values.value, [field.name]: v })}
          />
        ))}
      </div>
      <div class="form-actions">
        <button class="button" type="submit" disabled={!ready.value || busy.value}>
          {busy.value ? "Saving…" : props.submitLabel}
        </button>
        {props.cancel && <a class="button button-ghost" href={props.cancel}>Cancel</a>}
      </div>
    </form>
  );
}
