package io.luanio.lua;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * A test-only module, found through ServiceLoader from the test class path (which is how an
 * embedder plugs a module in): {@code testkit.sha256()} returns a hasher with
 * {@code update(s)} and {@code hex()}; {@code testkit.flag(name)} and {@code testkit.set(name, bool)}
 * share flags with the test's Java peers.
 */
public final class TestKitModule implements LuaModule {
    /** Flags tests raise for scripts to read with {@code testkit.flag(name)}. */
    static final java.util.concurrent.ConcurrentHashMap<String, Boolean> FLAGS = new java.util.concurrent.ConcurrentHashMap<>();

    /** For ServiceLoader. */
    public TestKitModule() {
    }

    @Override
    public String name() {
        return "testkit";
    }

    @Override
    public LuaValue load(ScriptHost host) {
        LuaTable t = new LuaTable();
        t.set("flag", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaValue.valueOf(FLAGS.getOrDefault(args.checkjstring(1), false));
            }
        });
        t.set("set", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                FLAGS.put(args.checkjstring(1), args.toboolean(2));
                return LuaValue.NONE;
            }
        });
        t.set("sha256", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                MessageDigest digest;
                try {
                    digest = MessageDigest.getInstance("SHA-256");
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
                LuaTable hasher = new LuaTable();
                hasher.set("update", new VarArgFunction() {
                    @Override
                    public Varargs invoke(Varargs a) {
                        LuaString s = a.checkstring(a.narg() >= 2 ? 2 : 1);
                        digest.update(s.m_bytes, s.m_offset, s.m_length);
                        return LuaValue.NONE;
                    }
                });
                hasher.set("hex", new VarArgFunction() {
                    @Override
                    public Varargs invoke(Varargs a) {
                        return LuaValue.valueOf(hex(digest.digest()));
                    }
                });
                return hasher;
            }
        });
        return t;
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b & 0xFF));
        }
        return sb.toString();
    }
}
