import Inspector from "../islands/Inspector.tsx";

export default function FunctionProp() {
  return <Inspector config={{ items: [{ onPick: () => {} }] }} />;
}
