import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { ApiError, apiRequest } from "../components/api_client.ts";
import { StateBadge } from "../components/ui.tsx";

/** Props of {@linkcode AlertActions}. */
export interface AlertActionsProps {
  id: string;
  state: "open" | "acknowledged" | "resolved";
}

/** An alert's state with the operator's buttons: acknowledge an open alert, resolve an unresolved one. */
export default function AlertActions({ id, state: initial }: AlertActionsProps) {
  const state = useSignal(initial);
  const busy = useSignal(false);
  const error = useSignal("");
  const ready = useSignal(false);
  useEffect(() => void (ready.value = true), []);
  const act = async (action: "acknowledge" | "resolve") => {
    busy.value = true;
    error.value = "";
    try {
      const alert = await apiRequest<{ state: AlertActionsProps["state"] }>(
        "POST",
        `/api/alerts/${id}/${action}`,
      );
      state.value = alert.state;
    } catch (e) {
      error.value = e instanceof ApiError ? e.message : String(e);
    } finally {
      busy.value = false;
    }
  };
  const disabled = !ready.value || busy.value;
  return (
    <div class="alert-actions" data-state={state.value}>
      <StateBadge state={state.value} />
      {state.value === "open" && (
        <button
          type="button"
          class="button button-ghost button-small"
          disabled={disabled}
          onClick={() => act("acknowledge")}
        >
          Acknowledge
        </button>
      )}
      {state.value !== "resolved" && (
        <button
          type="button"
          class="button button-ghost button-small"
          disabled={disabled}
          onClick={() => act("resolve")}
        >
          Resolve
        </button>
      )}
      {error.value && <span class="field-error" role="alert">{error.value}</span>}
    </div>
  );
}
