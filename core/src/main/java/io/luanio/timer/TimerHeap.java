package io.luanio.timer;

import java.util.Arrays;

/**
 * A binary min-heap of deadlines with cancellable, generation-checked handles.
 *
 * <p>Each timer carries a {@code kind}, a {@code target} and a {@code tag} (ints) and a
 * {@code payload} (long) that the expiry callback receives, so callers dispatch without per-timer objects.
 * Not thread-safe: one thread (the event loop) owns it.
 */
public final class TimerHeap {
    /** Receives an expired timer; the handle is already invalid when it is called. */
    public interface Expiry {
        /**
         * Called for each timer whose deadline has passed, earliest first.
         *
         * @param handle the (now invalid) handle
         * @param kind the kind given at scheduling
         * @param target the target given at scheduling
         * @param payload the payload given at scheduling
         * @param tag the tag given at scheduling
         */
        void onExpiry(long handle, int kind, int target, long payload, int tag);
    }

    /** A handle value that never names a timer. */
    public static final long NO_TIMER = 0L;

    private long[] deadlines;
    private long[] payloads;
    private int[] kinds;
    private int[] targets;
    private int[] tags;
    private int[] generations;
    private int[] heapIndexOf; // entry -> position in heap, -1 when free
    private int[] heap;        // position -> entry
    private int size;
    private int[] freeEntries;
    private int freeCount;
    private int entryCount;

    /**
     * Creates a heap.
     *
     * @param initialCapacity entries to preallocate (it grows when needed)
     */
    public TimerHeap(int initialCapacity) {
        int cap = Math.max(4, initialCapacity);
        deadlines = new long[cap];
        payloads = new long[cap];
        kinds = new int[cap];
        targets = new int[cap];
        tags = new int[cap];
        generations = new int[cap];
        heapIndexOf = new int[cap];
        heap = new int[cap];
        freeEntries = new int[cap];
        Arrays.fill(heapIndexOf, -1);
    }

    /** @return the number of scheduled timers */
    public int size() {
        return size;
    }

    /** @return true when no timer is scheduled */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * The earliest deadline; only meaningful when not {@link #isEmpty()}.
     *
     * @return the earliest deadline, in {@link System#nanoTime()} units
     */
    public long earliestDeadline() {
        if (size == 0) {
            throw new IllegalStateException("no timer is scheduled");
        }
        return deadlines[heap[0]];
    }

    /**
     * Schedules a timer.
     *
     * @param deadlineNs when it fires, a {@link System#nanoTime()} value
     * @param kind caller-defined kind
     * @param target caller-defined target
     * @param payload caller-defined payload
     * @param tag caller-defined tag
     * @return its handle, never {@link #NO_TIMER}
     */
    public long schedule(long deadlineNs, int kind, int target, long payload, int tag) {
        int entry = takeEntry();
        deadlines[entry] = deadlineNs;
        kinds[entry] = kind;
        targets[entry] = target;
        payloads[entry] = payload;
        tags[entry] = tag;
        heap[size] = entry;
        heapIndexOf[entry] = size;
        size++;
        siftUp(size - 1);
        return handleOf(entry);
    }

    /**
     * Cancels a timer.
     *
     * @param handle its handle (stale and {@link #NO_TIMER} handles are ignored)
     * @return true when a scheduled timer was cancelled
     */
    public boolean cancel(long handle) {
        int entry = liveEntry(handle);
        if (entry < 0) {
            return false;
        }
        removeAt(heapIndexOf[entry]);
        freeEntry(entry);
        return true;
    }

    /**
     * Moves a scheduled timer to a new deadline, keeping its handle.
     *
     * @param handle its handle
     * @param deadlineNs the new deadline
     * @return false when the handle names no scheduled timer
     */
    public boolean reschedule(long handle, long deadlineNs) {
        int entry = liveEntry(handle);
        if (entry < 0) {
            return false;
        }
        long old = deadlines[entry];
        deadlines[entry] = deadlineNs;
        int pos = heapIndexOf[entry];
        if (deadlineNs - old < 0) {
            siftUp(pos);
        } else {
            siftDown(pos);
        }
        return true;
    }

    /**
     * Tells whether a handle names a scheduled timer.
     *
     * @param handle the handle
     * @return true when scheduled
     */
    public boolean isScheduled(long handle) {
        return liveEntry(handle) >= 0;
    }

    /**
     * Fires timers whose deadline is at or before {@code nowNs}, earliest first.
     *
     * @param nowNs the current {@link System#nanoTime()}
     * @param expiry receives each expired timer
     * @param limit the most timers to fire in this call
     * @return the number fired
     */
    public int expire(long nowNs, Expiry expiry, int limit) {
        int fired = 0;
        while (size > 0 && fired < limit) {
            int entry = heap[0];
            if (deadlines[entry] - nowNs > 0) {
                break;
            }
            long handle = handleOf(entry);
            int kind = kinds[entry];
            int target = targets[entry];
            long payload = payloads[entry];
            int tag = tags[entry];
            removeAt(0);
            freeEntry(entry);
            fired++;
            expiry.onExpiry(handle, kind, target, payload, tag);
        }
        return fired;
    }

    private long handleOf(int entry) {
        return ((long) generations[entry] << 32) | entry;
    }

    private int liveEntry(long handle) {
        int entry = (int) handle;
        int generation = (int) (handle >>> 32);
        if (handle == NO_TIMER || entry < 0 || entry >= entryCount) {
            return -1;
        }
        if (generations[entry] != generation || heapIndexOf[entry] < 0) {
            return -1;
        }
        return entry;
    }

    private int takeEntry() {
        if (freeCount > 0) {
            return freeEntries[--freeCount];
        }
        if (entryCount == deadlines.length) {
            grow();
        }
        int entry = entryCount++;
        generations[entry] = 1; // generation 0 is never used, so NO_TIMER (0) names nothing
        return entry;
    }

    private void freeEntry(int entry) {
        heapIndexOf[entry] = -1;
        generations[entry] = generations[entry] == Integer.MAX_VALUE ? 1 : generations[entry] + 1;
        freeEntries[freeCount++] = entry;
    }

    private void grow() {
        int cap = deadlines.length * 2;
        deadlines = Arrays.copyOf(deadlines, cap);
        payloads = Arrays.copyOf(payloads, cap);
        kinds = Arrays.copyOf(kinds, cap);
        targets = Arrays.copyOf(targets, cap);
        tags = Arrays.copyOf(tags, cap);
        generations = Arrays.copyOf(generations, cap);
        int old = heapIndexOf.length;
        heapIndexOf = Arrays.copyOf(heapIndexOf, cap);
        Arrays.fill(heapIndexOf, old, cap, -1);
        heap = Arrays.copyOf(heap, cap);
        freeEntries = Arrays.copyOf(freeEntries, cap);
    }

    private void removeAt(int pos) {
        size--;
        if (pos == size) {
            return;
        }
        int moved = heap[size];
        heap[pos] = moved;
        heapIndexOf[moved] = pos;
        siftDown(pos);
        if (heap[pos] == moved) {
            siftUp(pos);
        }
    }

    private void siftUp(int pos) {
        int entry = heap[pos];
        long deadline = deadlines[entry];
        while (pos > 0) {
            int parent = (pos - 1) >>> 1;
            int parentEntry = heap[parent];
            if (deadline - deadlines[parentEntry] >= 0) {
                break;
            }
            heap[pos] = parentEntry;
            heapIndexOf[parentEntry] = pos;
            pos = parent;
        }
        heap[pos] = entry;
        heapIndexOf[entry] = pos;
    }

    private void siftDown(int pos) {
        int entry = heap[pos];
        long deadline = deadlines[entry];
        int half = size >>> 1;
        while (pos < half) {
            int child = 2 * pos + 1;
            int right = child + 1;
            if (right < size && deadlines[heap[right]] - deadlines[heap[child]] < 0) {
                child = right;
            }
            if (deadlines[heap[child]] - deadline >= 0) {
                break;
            }
            heap[pos] = heap[child];
            heapIndexOf[heap[pos]] = pos;
            pos = child;
        }
        heap[pos] = entry;
        heapIndexOf[entry] = pos;
    }
}
