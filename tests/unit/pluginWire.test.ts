import { expect } from "chai";
import { asSecret, revealed, secretProperties, unwrapped } from "../../provider/plugin/wire";

describe("plugin wire: a request's properties unwrapped in one walk", () => {
  const props: Record<string, unknown> = {
    name: "plain",
    password: asSecret("pw"),
    scopes: [{ name: "app", actions: [asSecret("pull")] }],
    nested: { deeper: { value: asSecret({ a: 1 }) } },
    list: [1, 2, 3],
    none: null,
  };

  it("gives the same values as revealed, and the same secret properties as secretProperties", () => {
    const { plain, secret } = unwrapped(props);
    expect(plain).to.deep.equal(revealed(props));
    expect([...secret].sort()).to.deep.equal([...secretProperties(props)].sort());
    expect([...secret].sort()).to.deep.equal(["nested", "password", "scopes"]);
  });

  it("keeps a property named __proto__ as an own property", () => {
    const { plain } = unwrapped(JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>);
    expect(Object.keys(plain)).to.deep.equal(["__proto__"]);
    expect(Object.getPrototypeOf(plain)).to.equal(Object.prototype);
  });
});
