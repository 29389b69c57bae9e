import Inspector from "../islands/Inspector.tsx";

class Client {
  url = "postgres://";
}

export default function ClassProp() {
  return <Inspector client={new Client()} />;
}
