import { describe, expect, it } from "vitest";
import { chooseAddressee, words } from "./addressee";

const agents = [
  { id: "iris", name: "Iris", x: 0, z: -34 },
  { id: "bram", name: "Bram", x: 32, z: -10 },
  { id: "mary-jo", name: "Mary Jo", x: 20, z: 27 },
];
const here = { x: 30, z: -8 }; // nearest: Bram

describe("who a spoken utterance is for", () => {
  it("a name at the start wins, after a greeting, whatever is selected", () => {
    expect(chooseAddressee("Iris, what did you find?", "bram", here, agents)).toEqual({ agentId: "iris", why: "named" });
    expect(chooseAddressee("hey mary jo can you sketch it", null, here, agents)).toEqual({ agentId: "mary-jo", why: "named" });
  });

  it("then the selected or looked-at agent, then a name anywhere, then the nearest", () => {
    expect(chooseAddressee("Tell Iris the plan changed.", "mary-jo", here, agents)).toEqual({ agentId: "mary-jo", why: "target" });
    expect(chooseAddressee("Could Iris check the numbers?", null, here, agents)).toEqual({ agentId: "iris", why: "mentioned" });
    expect(chooseAddressee("What's next?", null, here, agents)).toEqual({ agentId: "bram", why: "nearest" });
    expect(chooseAddressee("What's next?", "nobody", { x: 0, z: -30 }, agents)).toEqual({ agentId: "iris", why: "nearest" });
  });

  it("matches whole words only, and finds nobody in an empty room", () => {
    expect(chooseAddressee("Irises are blooming", null, here, agents)?.why).toBe("nearest");
    expect(chooseAddressee("Iris's notes please", null, here, agents)).toEqual({ agentId: "iris", why: "named" });
    expect(chooseAddressee("hello", null, here, [])).toBeNull();
    expect(words("Héllo, Brám!")).toEqual(["hello", "bram"]);
  });
});
