import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { ApiError, apiRequest } from "../components/api_client.ts";
import type { FieldError } from "../components/form_rules.ts";

/** Props of {@linkcode AdrEventForm}. */
export interface AdrEventFormProps {
  programs: { id: string; name: string }[];
  vens: { id: string; name: string }[];
  /** The VEN groups in use. */
  groups: string[];
  /** Default start, as a `datetime-local` value in UTC. */
  start: string;
}

const DURATIONS = [["PT15M", "15 min"], ["PT30M", "30 min"], ["PT1H", "1 hour"], ["PT2H", "2 hours"], [
  "PT4H",
  "4 hours",
]] as const;

interface Draft {
  programId: string;
  eventName: string;
  start: string;
  duration: string;
  kind: "SIMPLE" | "IMPORT_CAPACITY_LIMIT";
  level: string;
  groups: string[];
  venIds: string[];
}

/** The API body (OpenADR 3 shape: one interval over the whole event). */
function toBody(d: Draft) {
  const value = Number(d.level);
  return {
    programId: d.programId,
    eventName: d.eventName.trim(),
    intervalPeriod: { start: `${d.start}:00Z`, duration: d.duration },
    intervals: [{ id: 0, payloads: [{ type: d.kind, values: [value] }] }],
    targets: { venIds: d.venIds, groups: d.groups },
  };
}

/** What the browser can tell before sending; the server checks the rest (a start in the past, unknown VENs). */
function check(d: Draft): FieldError[] {
  const out: FieldError[] = [];
  if (!d.programId) out.push({ field: "programId", message: "is required" });
  if (!d.eventName.trim()) out.push({ field: "eventName", message: "must not be empty" });
  if (!d.start) out.push({ field: "intervalPeriod", message: "is required" });
  const level = Number(d.level);
  if (d.kind === "SIMPLE" && !(Number.isInteger(level) && level >= 0 && level <= 3)) {
    out.push({ field: "intervals", message: "SIMPLE levels are 0-3" });
  }
  if (d.kind === "IMPORT_CAPACITY_LIMIT" && !(level >= 0)) {
    out.push({ field: "intervals", message: "must be >= 0 kW" });
  }
  if (d.groups.length + d.venIds.length === 0) {
    out.push({ field: "targets", message: "must name at least one VEN id or group" });
  }
  return out;
}

function FieldMessage({ errors, field }: { errors: Record<string, string>; field: string }) {
  return errors[field] ? <p class="field-error" id={`f-${field}-error`}>{errors[field]}</p> : null;
}

/** Edits one part of the draft. */
type Set = (patch: Partial<Draft>) => void;

/** Program, name, window and what the event asks. */
function EventFields({ d, set, errors, programs }: {
  d: Draft;
  set: Set;
  errors: Record<string, string>;
  programs: AdrEventFormProps["programs"];
}) {
  return (
    <div class="form-grid">
      <label class="field">
        <span>Program</span>
        <select
          id="f-programId"
          value={d.programId}
          onChange={(e) => set({ programId: e.currentTarget.value })}
        >
          {programs.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
        <FieldMessage errors={errors} field="programId" />
      </label>
      <label class="field">
        <span>Event name</span>
        <input
          id="f-eventName"
          value={d.eventName}
          onInput={(e) => set({ eventName: e.currentTarget.value })}
        />
        <FieldMessage errors={errors} field="eventName" />
      </label>
      <label class="field">
        <span>Start (UTC)</span>
        <input
          id="f-start"
          type="datetime-local"
          value={d.start}
          onInput={(e) => set({ start: e.currentTarget.value })}
        />
        <FieldMessage errors={errors} field="intervalPeriod" />
      </label>
      <label class="field">
        <span>Duration</span>
        <select id="f-duration" value={d.duration} onChange={(e) => set({ duration: e.currentTarget.value })}>
          {DURATIONS.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
        </select>
      </label>
      <AskFields d={d} set={set} errors={errors} />
    </div>
  );
}

/** What the event asks: a shed level or an import limit. */
function AskFields({ d, set, errors }: { d: Draft; set: Set; errors: Record<string, string> }) {
  return (
    <>
      <label class="field">
        <span>Asks for</span>
        <select
          id="f-kind"
          value={d.kind}
          onChange={(e) => {
            const kind = e.currentTarget.value as Draft["kind"];
            set({ kind, level: kind === "SIMPLE" ? "1" : "" });
          }}
        >
          <option value="SIMPLE">Shed level (0-3)</option>
          <option value="IMPORT_CAPACITY_LIMIT">Import limit (kW)</option>
        </select>
      </label>
      <label class="field">
        <span>{d.kind === "SIMPLE" ? "Level" : "Limit (kW)"}</span>
        <input
          id="f-level"
          type="number"
          step="any"
          value={d.level}
          onInput={(e) => set({ level: e.currentTarget.value })}
        />
        <FieldMessage errors={errors} field="intervals" />
      </label>
    </>
  );
}

const toggle = (list: string[], item: string) =>
  list.includes(item) ? list.filter((x) => x !== item) : [...list, item];

/** Checkboxes for the groups and VENs the event targets. */
function Targets({ d, set, errors, groups, vens }: {
  d: Draft;
  set: Set;
  errors: Record<string, string>;
  groups: string[];
  vens: AdrEventFormProps["vens"];
}) {
  return (
    <>
      <fieldset class="field choices">
        <legend>Targets: groups</legend>
        {groups.map((g) => (
          <label key={g} class="choice">
            <input
              type="checkbox"
              checked={d.groups.includes(g)}
              onChange={() => set({ groups: toggle(d.groups, g) })}
            />
            {g}
          </label>
        ))}
      </fieldset>
      <fieldset class="field choices">
        <legend>Targets: VENs</legend>
        {vens.map((v) => (
          <label key={v.id} class="choice">
            <input
              type="checkbox"
              checked={d.venIds.includes(v.id)}
              onChange={() => set({ venIds: toggle(d.venIds, v.id) })}
            />
            {v.name}
          </label>
        ))}
        <FieldMessage errors={errors} field="targets" />
      </fieldset>
    </>
  );
}

/** Creates an ADR event: program, name, window, what is asked, and the VENs or groups it targets. */
export default function AdrEventForm({ programs, vens, groups, start }: AdrEventFormProps) {
  const draft = useSignal<Draft>({
    programId: programs[0]?.id ?? "",
    eventName: "",
    start,
    duration: "PT1H",
    kind: "SIMPLE",
    level: "1",
    groups: [],
    venIds: [],
  });
  const errors = useSignal<Record<string, string>>({});
  const formError = useSignal("");
  const busy = useSignal(false);
  const ready = useSignal(false);
  useEffect(() => void (ready.value = true), []);
  const set: Set = (patch) => (draft.value = { ...draft.value, ...patch });
  const show = (list: FieldError[], message: string) => {
    errors.value = Object.fromEntries(list.map((p) => [p.field.split(".")[0], p.message]));
    formError.value = message;
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const problems = check(draft.value);
    show(problems, problems.length ? "Check the fields marked below." : "");
    if (problems.length) return;
    busy.value = true;
    try {
      const event = await apiRequest<{ id: string }>("POST", "/api/events", toBody(draft.value));
      location.assign(`/vens/events/${event.id}?done=created`);
    } catch (error) {
      busy.value = false;
      if (!(error instanceof ApiError)) throw error;
      show(error.fieldErrors, error.message);
    }
  };

  return (
    <form class="resource-form" onSubmit={submit} noValidate>
      {formError.value && <p class="form-error" role="alert">{formError.value}</p>}
      <EventFields d={draft.value} set={set} errors={errors.value} programs={programs} />
      <Targets d={draft.value} set={set} errors={errors.value} groups={groups} vens={vens} />
      <div class="form-actions">
        <button class="button" type="submit" disabled={!ready.value || busy.value}>
          {busy.value ? "Sending…" : "Create and send event"}
        </button>
        <a class="button button-ghost" href="/vens">Cancel</a>
      </div>
    </form>
  );
}
