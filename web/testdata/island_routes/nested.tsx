import Panel from "../islands/Panel.tsx";

export default function Nested() {
  return <Panel />;
}
