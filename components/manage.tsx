/**
 * The operator's part of an entity's page: its edit form (PATCH) and its deletion, the same for plants,
 * offers and VENs.
 * @module
 */
import ConfirmButton from "../islands/ConfirmButton.tsx";
import ResourceForm, { type ResourceFormProps } from "../islands/ResourceForm.tsx";
import { Section } from "./ui.tsx";

/** Props of {@linkcode Manage}. */
export interface ManageProps {
  /** What it is, lower case: `plant`. */
  noun: string;
  /** Its display name, for the confirmation. */
  name: string;
  /** Its API URL: `/api/plants/{id}`. */
  api: string;
  /** Its page, returned to after saving: `/plants/{id}`. */
  page: string;
  /** The list, gone to after deleting: `/plants`. */
  list: string;
  form: Pick<ResourceFormProps, "fields" | "rules" | "values">;
  /** What else goes with it when it is deleted. */
  deleteNote?: string;
}

/** "Edit {noun}" with the form, and "Delete {noun}" after a confirmation. */
export function Manage({ noun, name, api, page, list, form, deleteNote }: ManageProps) {
  return (
    <>
      <Section title={`Edit ${noun}`} id="edit">
        <ResourceForm
          {...form}
          method="PATCH"
          url={api}
          submitLabel="Save changes"
          next={`${page}?done=updated`}
        />
      </Section>
      <Section title={`Delete ${noun}`} note={deleteNote} danger>
        <ConfirmButton
          url={api}
          question={`Delete ${noun} “${name}”? This cannot be undone.`}
          next={`${list}?done=deleted`}
        />
      </Section>
    </>
  );
}
