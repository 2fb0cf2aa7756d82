import { Store } from "./store";
const s = new Store("/tmp/pgwork/old.db");
const t0 = s.work.createTask({ workspace: "w", title: "x", createdBy: "c" });
const N = 2000;
const bench = (name: string, fn: () => unknown) => {
  for (let i = 0; i < 50; i++) fn();
  const t = performance.now(); for (let i = 0; i < N; i++) fn(); console.log("OLD", name, ((performance.now() - t) / N * 1000).toFixed(1), "µs");
};
bench("getTask", () => s.work.getTask(t0.id));
bench("audit insert", () => s.audit({ workspace: "w", actor: "a", kind: "k" }));
bench("createTask", () => s.work.createTask({ workspace: "w", title: "x", createdBy: "c" }));
bench("addTaskEvent", () => s.work.addTaskEvent(t0.id, "a", "k"));
s.close();
