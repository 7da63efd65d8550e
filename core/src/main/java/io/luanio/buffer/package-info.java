/**
 * Pooled direct-memory pages and the byte queues built on them.
 *
 * <p>Every socket has a receive queue (the loop produces, the owner consumes) and a send
 * queue (the owner produces, the loop consumes). Both are {@link io.luanio.buffer.PagedByteQueue}s:
 * a single-producer/single-consumer byte stream over fixed-size pages taken from a shared
 * {@link io.luanio.buffer.PagePool}. Memory follows unread bytes: a page is taken when the
 * producer first writes into it and returned as soon as the consumer has read past it, and
 * an empty queue gives its last page back when the loop trims it, so an idle socket holds
 * no buffer at all.
 *
 * <p>Pages are direct {@link java.nio.ByteBuffer}s, so the loop reads from the network
 * straight into a receive queue (a scattering read over its pages) and writes a send queue
 * straight to the network (a gathering write): one copy on each side, between the queue
 * and the user's array, done on the user's thread.
 */
package io.luanio.buffer;
