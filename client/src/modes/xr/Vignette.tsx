import { useFrame, useThree } from "@react-three/fiber";
import { useEffect, useMemo, useRef } from "react";
import { Mesh, PlaneGeometry, ShaderMaterial } from "three";
import { easeVignette, vignetteInnerRadius, vignetteTarget } from "./comfort";
import { motion } from "./rig-state";
import { xrSettings } from "./xr-settings";

/** Distance of the vignette quad in front of the eyes (m), and its size (covers the field of view). */
const DISTANCE = 0.2;
const SIZE = 0.9;

/**
 * The comfort vignette: a dark ring round the view while the stick moves or turns you, easing in
 * quickly and out slowly. It rides on the XR camera, so it never lags the head; hidden (no draw
 * call) when still.
 */
export function Vignette() {
  const xrCamera = useThree((s) => s.gl.xr.getCamera());
  const amount = useRef(0);
  const mesh = useMemo(() => {
    const material = new ShaderMaterial({
      transparent: true,
      depthTest: false,
      depthWrite: false,
      uniforms: { inner: { value: 1 }, amount: { value: 0 } },
      vertexShader: "varying vec2 vUv; void main() { vUv = uv; gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0); }",
      fragmentShader:
        "uniform float inner; uniform float amount; varying vec2 vUv; void main() { float r = length(vUv * 2.0 - 1.0); float a = smoothstep(inner * 0.7, inner, r) * amount; gl_FragColor = vec4(0.0, 0.0, 0.0, a); }",
    });
    const m = new Mesh(new PlaneGeometry(SIZE, SIZE), material);
    m.position.z = -DISTANCE;
    m.renderOrder = 10_000;
    m.frustumCulled = false;
    m.visible = false;
    m.raycast = () => undefined;
    m.name = "comfort-vignette";
    return m;
  }, []);
  useEffect(() => {
    xrCamera.add(mesh);
    return () => void xrCamera.remove(mesh);
  }, [xrCamera, mesh]);
  useFrame((_, dt) => {
    const target = vignetteTarget(motion.speed, motion.turn, xrSettings.getState().vignette);
    amount.current = easeVignette(amount.current, target, dt);
    mesh.visible = amount.current > 0.01;
    const u = (mesh.material as ShaderMaterial).uniforms;
    u.inner!.value = vignetteInnerRadius(amount.current);
    u.amount!.value = Math.min(1, amount.current * 1.4);
  });
  return null;
}
