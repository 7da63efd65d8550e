package io.luanio.lua;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.luaj.vm2.Prototype;

/**
 * Compiled chunks shared by the scripts of one runner: a fleet of a hundred copies of an
 * application compiles each of its files once. LuaJ's {@link Prototype}s are not changed by
 * running them (closures keep their own upvalues), so one can back closures in any number
 * of {@link org.luaj.vm2.Globals}. Keyed by chunk name and the exact source; least recently
 * used entries go beyond {@link #MAX_ENTRIES}.
 */
final class ChunkCache {
    static final int MAX_ENTRIES = 256;

    /** Compiles a chunk on a miss. */
    interface Compile {
        Prototype compile() throws IOException;
    }

    private final Map<Key, Prototype> chunks = new LinkedHashMap<Key, Prototype>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Prototype> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /**
     * The chunk compiled from {@code source}, compiling it on the first request. Compiles
     * one at a time (start-up of a fleet, not a hot path).
     */
    synchronized Prototype get(String chunkName, String source, Compile compile) throws IOException {
        Key key = new Key(chunkName, source);
        Prototype p = chunks.get(key);
        if (p == null) {
            p = compile.compile();
            chunks.put(key, p);
        }
        return p;
    }

    synchronized int size() {
        return chunks.size();
    }

    private static final class Key {
        final String chunkName;
        final String source;
        final int hash;

        Key(String chunkName, String source) {
            this.chunkName = chunkName;
            this.source = source;
            this.hash = 31 * chunkName.hashCode() + source.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return hash == k.hash && chunkName.equals(k.chunkName) && source.equals(k.source);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
