import { ValidationError } from "../state.ts";

export const handler = () => {
  throw new ValidationError("name", "is required");
};

export default function Never() {
  return <p>never</p>;
}
