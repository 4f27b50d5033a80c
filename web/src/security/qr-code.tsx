import { create } from 'qrcode';
import { useMemo } from 'react';

/** Modules of quiet zone around the symbol (ISO/IEC 18004 asks for four). */
const QUIET = 4;

/**
 * `text` as a QR code drawn in the page as SVG: nothing is sent to any other service, and the
 * console's content security policy needs no `data:` images.
 */
export function QrCode({ text, label, size = 200 }: { text: string; label: string; size?: number }) {
  const { path, width } = useMemo(() => {
    const { modules } = create(text, { errorCorrectionLevel: 'M' });
    let d = '';
    for (let row = 0; row < modules.size; row += 1) {
      for (let column = 0; column < modules.size; column += 1) {
        if (modules.get(row, column)) d += `M${column + QUIET} ${row + QUIET}h1v1h-1z`;
      }
    }
    return { path: d, width: modules.size + QUIET * 2 };
  }, [text]);
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${width} ${width}`}
      shapeRendering="crispEdges"
    >
      <rect width={width} height={width} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
