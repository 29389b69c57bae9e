export const handler = () => {
  throw new Error("secret internals");
};

export default function Boom() {
  return <p>never</p>;
}
