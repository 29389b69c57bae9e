/** Lives in a `(_name)` folder, so it is not a route. */
export default function Widget() {
  return <p>widget</p>;
}
