export default function Plants() {
  return <h1>plants index</h1>;
}
