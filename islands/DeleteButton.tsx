import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { ApiError, apiRequest } from "../components/api_client.ts";

/** Props of {@linkcode DeleteButton}. */
export interface DeleteButtonProps {
  /** The API URL to send `DELETE` to. */
  url: string;
  /** What is deleted, e.g. `plant "Helios Solar Park"`. */
  what: string;
  /** Where to go afterwards. */
  next: string;
}

/** Deletes through the API after an inline confirmation; shows the server's reason when it refuses. */
export default function DeleteButton({ url, what, next }: DeleteButtonProps) {
  const confirming = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal("");
  // disabled in the server HTML: a click before hydration would do nothing
  const ready = useSignal(false);
  useEffect(() => void (ready.value = true), []);
  const remove = async () => {
    busy.value = true;
    try {
      await apiRequest("DELETE", url);
      location.assign(next);
    } catch (e) {
      busy.value = false;
      error.value = e instanceof ApiError ? e.message : String(e);
    }
  };
  return (
    <div class="delete-box">
      {!confirming.value
        ? (
          <button
            type="button"
            class="button button-danger"
            disabled={!ready.value}
            onClick={() => (confirming.value = true)}
          >
            Delete
          </button>
        )
        : (
          <div class="form-actions" role="group" aria-label="Confirm deletion">
            <span class="small">Delete {what}? This cannot be undone.</span>
            <button type="button" class="button button-danger" disabled={busy.value} onClick={remove}>
              {busy.value ? "Deleting…" : "Yes, delete"}
            </button>
            <button type="button" class="button button-ghost" onClick={() => (confirming.value = false)}>
              Cancel
            </button>
          </div>
        )}
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
    </div>
  );
}
