export default function NewPlant() {
  return <h1>new plant form</h1>;
}
