import Inspector from "../islands/Inspector.tsx";

export default function Props() {
  const shared = { label: "shared" };
  return (
    <Inspector
      date={new Date(Date.UTC(2025, 0, 2, 3, 4, 5))}
      map={new Map<string, unknown>([["a", 1], ["nested", new Set([1, 2])]])}
      set={new Set(["x", "y"])}
      url={new URL("https://example.com/a?b=1")}
      nan={NaN}
      inf={Infinity}
      ninf={-Infinity}
      negzero={-0}
      undef={undefined}
      nil={null}
      text="</script><script>alert(1)</script>"
      list={[1, "two", [3], { four: 4 }]}
      same1={shared}
      same2={shared}
    />
  );
}
