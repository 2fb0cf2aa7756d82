import { z } from "zod";
import { CAMPUS_RADIUS_MAX_M } from "./quantise";

/** A colour written as #rgb or #rrggbb. */
const colour = z.string().regex(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, "must be a hex colour like #4f8cff");

export const boardKinds = ["tasks", "artifacts", "charts"] as const;

export const districtSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, "must be lower-case letters, digits and dashes"),
  name: z.string().min(1).max(40),
  purpose: z.string().min(1).max(200),
  colour,
  /** Centre of the district on the ground plane, in metres: [x, z]. */
  position: z.tuple([z.number(), z.number()]),
  radius: z.number().positive().max(60),
  boards: z.array(z.enum(boardKinds)).default(["tasks"]),
});

export const worldSchema = z
  .object({
    name: z.string().min(1).max(60),
    /** People and agents stay within this distance of the plaza centre (m). */
    campusRadius: z.number().positive().max(CAMPUS_RADIUS_MAX_M),
    plaza: z.object({ radius: z.number().positive().max(60), colour }),
    spawn: z.object({ position: z.tuple([z.number(), z.number()]), spread: z.number().min(0).max(20).default(3) }),
    districts: z.array(districtSchema).min(1).max(16),
  })
  .superRefine((world, ctx) => {
    const seen = new Set<string>();
    world.districts.forEach((d, i) => {
      if (seen.has(d.id)) ctx.addIssue({ code: "custom", path: ["districts", i, "id"], message: `duplicate district id "${d.id}"` });
      seen.add(d.id);
      const reach = Math.hypot(d.position[0], d.position[1]) + d.radius;
      if (reach > world.campusRadius) {
        ctx.addIssue({
          code: "custom",
          path: ["districts", i, "position"],
          message: `district "${d.id}" reaches ${reach.toFixed(1)} m from the centre, outside campusRadius ${world.campusRadius}`,
        });
      }
    });
  });

export type District = z.infer<typeof districtSchema>;
export type World = z.infer<typeof worldSchema>;
