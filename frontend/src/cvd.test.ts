// Colour-vision checks of the map's palettes: corridor statuses stay apart, and the compare
// scale's changes stay visible on the dark basemap, for trichromats and under simulated
// protanopia, deuteranopia and tritanopia (Machado, Oliveira and Fernandes 2009, severity 1,
// applied in linear RGB). Distances are CIE76 ΔE in Lab; contrast is WCAG's ratio.
import { lab, rgb } from 'd3-color';
import { describe, expect, it } from 'vitest';
import { COLORS } from './basemap';
import { diverging } from './colors';
import { STATUSES, statusColor } from './corridors';

type RGB = [number, number, number];
const MACHADO: Record<string, number[][]> = {
  normal: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
};
const toLinear = (c: number): number => { const s = c / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
const toSRGB = (l: number): number => 255 * (l <= 0.0031308 ? 12.92 * l : 1.055 * l ** (1 / 2.4) - 0.055);
const clamp = (v: number): number => Math.min(1, Math.max(0, v));

function simulate(c: RGB, m: number[][]): RGB {
  const l = c.map(toLinear);
  return m.map((row) => toSRGB(clamp(row[0]! * l[0]! + row[1]! * l[1]! + row[2]! * l[2]!))) as RGB;
}
function deltaE(a: RGB, b: RGB): number {
  const x = lab(rgb(...a)); const y = lab(rgb(...b));
  return Math.hypot(x.l - y.l, x.a - y.a, x.b - y.b);
}
function luminance(c: RGB): number {
  const l = c.map(toLinear);
  return 0.2126 * l[0]! + 0.7152 * l[1]! + 0.0722 * l[2]!;
}
function contrast(a: RGB, b: RGB): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}
const hex = (s: string): RGB => { const c = rgb(s); return [c.r, c.g, c.b]; };

describe('colour vision', () => {
  for (const [vision, m] of Object.entries(MACHADO)) {
    it(`corridor statuses are told apart (${vision})`, () => {
      for (const a of STATUSES) {
        for (const b of STATUSES) {
          if (a >= b) continue;
          const d = deltaE(simulate(statusColor(a).slice(0, 3) as RGB, m), simulate(statusColor(b).slice(0, 3) as RGB, m));
          expect(d, `${a} vs ${b}`).toBeGreaterThanOrEqual(20);
        }
      }
    });
    it(`compare changes stand out from no change and from each other (${vision})`, () => {
      const s = diverging();
      const at = (v: number): RGB => simulate(s.color(v).slice(0, 3) as RGB, m);
      expect(deltaE(at(1), at(0)), 'a doubling vs no change').toBeGreaterThanOrEqual(10);
      expect(deltaE(at(-1), at(0)), 'a halving vs no change').toBeGreaterThanOrEqual(10);
      expect(deltaE(at(3), at(-3)), 'the strongest rise vs the strongest fall').toBeGreaterThanOrEqual(40);
    });
  }
  it('every compare colour is visible on the dark basemap (WCAG contrast ≥ 3 on land and sea)', () => {
    const s = diverging();
    for (let v = -3; v <= 3; v += 0.5) {
      const c = s.color(v).slice(0, 3) as RGB;
      for (const bg of [COLORS.land, COLORS.ocean]) expect(contrast(c, hex(bg)), `change ${v} on ${bg}`).toBeGreaterThanOrEqual(3);
    }
  });
});
