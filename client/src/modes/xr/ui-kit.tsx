import { Container, Text } from "@react-three/uikit";
import type { ReactNode } from "react";

/**
 * Small building blocks for Atrium's in-world panels (uikit: flexbox layout, instanced panels and
 * MSDF text, a few draw calls per panel). Sizes are in uikit pixels; 1 px = 1 mm at PIXEL_SIZE.
 */
export const PIXEL_SIZE = 0.001;

/**
 * Names a uikit component's object (a ref callback), so tests and tools can find a button in the
 * scene graph and aim a ray at it.
 */
export function named(name: string) {
  return (o: { name: string } | null) => {
    if (o) o.name = name;
  };
}

/** Typography the panels' MSDF font (uikit's Inter: ASCII plus a few Latin-1 letters) has no glyph for, and what to draw instead. */
const PLAIN: [RegExp, string][] = [
  [/[“”„«»]/g, '"'],
  [/[‘’‚]/g, "'"],
  [/…/g, "..."],
  [/→/g, "->"],
  [/←/g, "<-"],
  [/[·•●]/g, "-"],
  [/[–—]/g, "-"],
  [/\u00a0/g, " "],
];

/** Text as the in-world font can draw it (no boxes for curly quotes, ellipses, arrows or dots). */
export function plain(text: string): string {
  let out = text;
  for (const [from, to] of PLAIN) out = out.replace(from, to);
  return out;
}

export const COLOURS = {
  panel: "#0f172a",
  text: "#f8fafc",
  muted: "#94a3b8",
  button: "#1e293b",
  hover: "#334155",
  primary: "#2563eb",
  good: "#16a34a",
  danger: "#dc2626",
} as const;

/** A panel's frame: dark, rounded, a column with a title row and a close button. */
export function Panel({ title, width = 620, onClose, children, testId }: { title: string; width?: number; onClose?: () => void; children?: ReactNode; testId?: string }) {
  return (
    <Container
      pixelSize={PIXEL_SIZE}
      width={width}
      flexDirection="column"
      padding={24}
      gap={14}
      backgroundColor={COLOURS.panel}
      borderRadius={24}
      ref={named(testId ?? "panel")}
    >
      <Container flexDirection="row" justifyContent="space-between" alignItems="center" gap={12}>
        <Text fontSize={30} fontWeight="bold" color={COLOURS.text} flexShrink={1}>
          {plain(title)}
        </Text>
        {onClose && <Button label="Close" onClick={onClose} colour={COLOURS.button} name="close" />}
      </Container>
      {children}
    </Container>
  );
}

/** A button that works with a ray and trigger, a pinch, a gaze-and-pinch or a tap; hover only highlights. */
export function Button({
  label,
  onClick,
  colour = COLOURS.button,
  name,
  grow = false,
  onPointerDown,
  onPointerUp,
}: {
  label: string;
  onClick?: () => void;
  colour?: string;
  name?: string;
  grow?: boolean;
  onPointerDown?: () => void;
  onPointerUp?: () => void;
}) {
  return (
    <Container
      ref={named(name ?? `button:${label}`)}
      backgroundColor={colour}
      hover={{ backgroundColor: COLOURS.hover }}
      borderRadius={14}
      paddingX={18}
      paddingY={12}
      flexGrow={grow ? 1 : 0}
      alignItems="center"
      justifyContent="center"
      cursor="pointer"
      onClick={(e) => {
        e.stopPropagation();
        onClick?.();
      }}
      onPointerDown={onPointerDown ? () => onPointerDown() : undefined}
      onPointerUp={onPointerUp ? () => onPointerUp() : undefined}
    >
      <Text fontSize={24} color={COLOURS.text}>
        {plain(label)}
      </Text>
    </Container>
  );
}

/** Muted body text. */
export function Line({ children, colour = COLOURS.muted, size = 22 }: { children: string; colour?: string; size?: number }) {
  return (
    <Text fontSize={size} color={colour} wordBreak="break-word">
      {plain(children)}
    </Text>
  );
}

/** A row of buttons that wraps. */
export function Row({ children }: { children?: ReactNode }) {
  return (
    <Container flexDirection="row" flexWrap="wrap" gap={10}>
      {children}
    </Container>
  );
}
