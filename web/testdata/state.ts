import { createDefine, HttpError } from "fresh";

/** State of the fixture app: which middleware ran, in order. */
export interface State {
  trail: string[];
  title?: string;
}

export const define = createDefine<State>();

/** An application error the fixture app maps to 422 with `mapError`. */
export class ValidationError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = "ValidationError";
  }
}

/** The fixture app's `mapError`. */
export function mapError(err: unknown): HttpError | undefined {
  if (err instanceof ValidationError) {
    return new HttpError(422, "Validation failed", {
      cause: err,
      extra: { errors: [{ field: err.field, message: err.message }] },
    });
  }
  return undefined;
}

/** A middleware that records `name` in the trail. */
export function mark(name: string) {
  return define.middleware((ctx) => {
    (ctx.state.trail ??= []).push(name);
    return ctx.next();
  });
}
