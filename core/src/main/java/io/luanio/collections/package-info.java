/**
 * Primitive-keyed maps for the loop's bookkeeping: no boxing, no per-entry objects.
 */
package io.luanio.collections;
