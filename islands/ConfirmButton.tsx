import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { ApiError, apiRequest } from "../components/api_client.ts";

/** Props of {@linkcode ConfirmButton}. */
export interface ConfirmButtonProps {
  /** The API URL. */
  url: string;
  /** @default {"DELETE"} */
  method?: "DELETE" | "POST" | "PATCH";
  /** A JSON body, e.g. `{ enabled: false }` for a `PATCH`. */
  body?: Record<string, unknown>;
  /** `danger` for what cannot be undone, `ghost` for what can. @default {"danger"} */
  tone?: "danger" | "ghost";
  /** The small buttons of a table row. */
  small?: boolean;
  /** The button, e.g. `Delete`, `Cancel event`. @default {"Delete"} */
  label?: string;
  /** The question asked before, e.g. `Delete plant “Pier 4”? This cannot be undone.` */
  question: string;
  /** The confirming button. @default {"Yes, delete"} */
  confirm?: string;
  /** Where to go afterwards. */
  next: string;
}

/**
 * A consequential action (delete, cancel) through the API after an inline confirmation; shows the
 * server's reason when it refuses.
 */
export default function ConfirmButton(
  {
    url,
    method = "DELETE",
    body,
    tone = "danger",
    small,
    label = "Delete",
    question,
    confirm = "Yes, delete",
    next,
  }: ConfirmButtonProps,
) {
  const button = `button button-${tone}${small ? " button-small" : ""}`;
  const confirming = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal("");
  // disabled in the server HTML: a click before hydration would do nothing
  const ready = useSignal(false);
  useEffect(() => void (ready.value = true), []);
  const act = async () => {
    busy.value = true;
    try {
      await apiRequest(method, url, body);
      location.assign(next);
    } catch (e) {
      busy.value = false;
      error.value = e instanceof ApiError ? e.message : String(e);
    }
  };
  return (
    <div class="confirm-box">
      {!confirming.value
        ? (
          <button
            type="button"
            class={button}
            disabled={!ready.value}
            onClick={() => (confirming.value = true)}
          >
            {label}
          </button>
        )
        : (
          <div class="form-actions" role="group" aria-label="Confirm">
            <span class="small">{question}</span>
            <button type="button" class={button} disabled={busy.value} onClick={act}>
              {busy.value ? "Working…" : confirm}
            </button>
            <button type="button" class="button button-ghost" onClick={() => (confirming.value = false)}>
              Keep it
            </button>
          </div>
        )}
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
    </div>
  );
}
