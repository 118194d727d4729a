// hexmesh.ts: H3 cells as one triangle mesh, for deck.gl's SolidPolygonLayer in binary mode.
//
// Why not H3HexagonLayer: it draws each cell as an instance of one hexagon, and software
// WebGL (SwiftShader, what a machine without a GPU has) pays per instance, not per vertex:
// 100,000 instances took 1.8 s to rasterise even with a trivial shader, the same cells as
// 1.2 million plain triangle vertices 0.2–0.3 s (docs/BENCHMARKS.md, "Web app"). A mesh also
// draws every cell with its own boundary, pentagons and cells at any latitude exact.

import { cellToBoundary } from 'h3-js';
import type { RGBA } from './colors';

export interface HexMesh {
  /** Number of cells (polygons). */
  length: number;
  /** Longitude, latitude pairs of every cell's boundary, cell after cell. */
  positions: Float64Array;
  /** Index of each cell's first vertex, and the vertex count at the end (length + 1 entries). */
  starts: Uint32Array;
  /** Triangles (three vertex indices each): a fan over each cell's convex boundary. */
  indices: Uint32Array;
}

/** hexMesh builds the mesh of cells (H3 indexes as hex strings). A cell crossing the
 * antimeridian keeps its boundary contiguous: longitudes more than 180° from its first
 * vertex's are moved by 360°. */
export function hexMesh(h3s: readonly string[]): HexMesh {
  const boundaries = h3s.map((h) => cellToBoundary(h, true)); // [lng, lat] pairs, closed ring
  let vertices = 0;
  let triangles = 0;
  for (const b of boundaries) {
    const n = b.length - 1; // the ring repeats its first vertex
    vertices += n;
    triangles += Math.max(0, n - 2);
  }
  const positions = new Float64Array(vertices * 2);
  const starts = new Uint32Array(h3s.length + 1);
  const indices = new Uint32Array(triangles * 3);
  let v = 0;
  let t = 0;
  boundaries.forEach((b, i) => {
    starts[i] = v;
    const n = b.length - 1;
    const lng0 = b[0]![0];
    for (let k = 0; k < n; k++) {
      let [lng, lat] = b[k]!;
      if (lng - lng0 > 180) lng -= 360;
      else if (lng0 - lng > 180) lng += 360;
      positions[2 * (v + k)] = lng;
      positions[2 * (v + k) + 1] = lat;
    }
    for (let k = 1; k < n - 1; k++) {
      indices[t++] = v;
      indices[t++] = v + k;
      indices[t++] = v + k + 1;
    }
    v += n;
  });
  starts[h3s.length] = v;
  return { length: h3s.length, positions, starts, indices };
}

/** vertexColors repeats each cell's colour for each of its vertices. */
export function vertexColors(mesh: HexMesh, color: (i: number) => RGBA): Uint8Array {
  const out = new Uint8Array(mesh.starts[mesh.length]! * 4);
  for (let i = 0; i < mesh.length; i++) {
    const c = color(i);
    for (let v = mesh.starts[i]!; v < mesh.starts[i + 1]!; v++) out.set(c, 4 * v);
  }
  return out;
}
