import { ValidationError } from "../../state.ts";

export const handler = {
  POST() {
    throw new ValidationError("capacityMw", "must be positive");
  },
};
