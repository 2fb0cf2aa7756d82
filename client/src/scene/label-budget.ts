import type { Object3D } from "three";

/**
 * Shows the labels of the `max` things nearest the camera and hides the rest. A label is a few
 * text draw calls (outlined text takes two), so capping them keeps draw calls flat however many
 * people or agents there are. Frame-loop safe: nothing is allocated after warm-up.
 */
export class LabelBudget {
  private readonly ids: string[] = [];
  private readonly distance = new Map<string, number>();
  private readonly nearestFirst = (a: string, b: string) => (this.distance.get(a) ?? 0) - (this.distance.get(b) ?? 0);

  constructor(readonly max: number) {}

  /** Starts a frame. */
  begin(): void {
    this.ids.length = 0;
  }

  /** Something drawn this frame, `distance` metres from the camera. */
  offer(id: string, distance: number): void {
    this.ids.push(id);
    this.distance.set(id, distance);
  }

  /** Makes the nearest `max` labels visible and hides the others. */
  apply(anchors: ReadonlyMap<string, Object3D>): void {
    this.ids.sort(this.nearestFirst);
    for (let i = 0; i < this.ids.length; i++) {
      const label = anchors.get(this.ids[i]!);
      if (label) label.visible = i < this.max;
    }
  }

  /** Drops what is known about something that left. */
  forget(id: string): void {
    this.distance.delete(id);
  }
}
