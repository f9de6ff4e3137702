/**
 * The one shape of field errors in the whole server: field name → messages. The API sends it as the seeds'
 * validation map (`{"lang": ["…"]}`); the portal shows each field's messages next to the field.
 */
export type FieldErrors = Record<string, string[]>;

/**
 * An empty field map without a prototype: field names may come from the client, and `toString` or
 * `constructor` must be a field like any other, not an inherited function.
 */
export const emptyFieldErrors = (): FieldErrors => Object.create(null) as FieldErrors;

/** The field's messages as one sentence for a form, or undefined when the field is fine. */
export function fieldMessage(errors: FieldErrors, field: string): string | undefined {
  const messages = Object.hasOwn(errors, field) ? errors[field] : undefined;
  return messages === undefined || messages.length === 0 ? undefined : messages.join(' ');
}
