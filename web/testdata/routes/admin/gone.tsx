import { HttpError } from "fresh";

export const handler = () => {
  throw new HttpError(404, "No such admin page");
};
