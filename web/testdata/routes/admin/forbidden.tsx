import { HttpError } from "fresh";

export const handler = () => {
  throw new HttpError(403, "Operators only");
};
