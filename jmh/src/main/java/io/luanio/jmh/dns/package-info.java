/**
 * The resolver: cached lookups through the Java API against the JDK's own cache and a
 * plain map, and the wire codec against dnsjava.
 */
package io.luanio.jmh.dns;
