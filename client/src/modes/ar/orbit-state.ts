import { newOrbit } from "./orbit";

/** The touch view's orbit, shared with the tests through the debug handle. */
export const orbit = newOrbit();
