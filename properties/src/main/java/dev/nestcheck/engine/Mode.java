package dev.nestcheck.engine;

/**
 * How the engine looks for a counterexample.
 *
 * <ul>
 *   <li>{@link #RANDOM}: seeded random choice sequences, then shrinking of the first failure.</li>
 *   <li>{@link #EXHAUSTIVE}: every choice sequence within small bounds, breadth-first by length, so the
 *       first failure found is already of minimal length ("small scope hypothesis").</li>
 * </ul>
 */
public enum Mode { RANDOM, EXHAUSTIVE }
