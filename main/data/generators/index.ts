import type { GeneratorId } from '../../../shared/generators.js';
import { circlesTriangles } from './circles-triangles.js';
import { countingCircles } from './counting-circles.js';
import type { Generator } from './generator.js';
import { trianglesSquares } from './triangles-squares.js';
import { trianglesSquaresScaled } from './triangles-squares-scaled.js';

export const generators: { [G in GeneratorId]: Generator<G> } = {
  'triangles-squares': trianglesSquares,
  'triangles-squares-scaled': trianglesSquaresScaled,
  'counting-circles': countingCircles,
  'circles-triangles': circlesTriangles,
};

/** A generator chosen at run time by id, its parameter type not known statically. */
export type AnyGenerator = Generator<GeneratorId>;

export function generatorFor(id: GeneratorId): AnyGenerator {
  return generators[id];
}
