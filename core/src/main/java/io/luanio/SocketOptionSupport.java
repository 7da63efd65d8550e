package io.luanio;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;

/**
 * Maps {@link SocketOptions} (the module's level/name numbers) onto NIO socket options.
 *
 * <p>The keep-alive tuning options exist only as {@code jdk.net.ExtendedSocketOptions}
 * (JDK 11+, Linux and macOS). Core compiles for Java 8 and needs only {@code java.base},
 * so they are looked up reflectively once; where they are missing, setting them is
 * refused with -1 ("not supported on this JVM").
 */
final class SocketOptionSupport {
    private static final SocketOption<?> KEEP_IDLE = extended("TCP_KEEPIDLE");
    private static final SocketOption<?> KEEP_INTERVAL = extended("TCP_KEEPINTERVAL");
    private static final SocketOption<?> KEEP_COUNT = extended("TCP_KEEPCOUNT");

    private SocketOptionSupport() {
    }

    /**
     * Whether an option may be set on a socket of this kind, with this value, on this JVM.
     *
     * @param kind a {@link Slot} kind
     * @param level option level
     * @param name option name
     * @param value option value
     * @return true when {@link #apply} will be attempted
     */
    static boolean accepts(int kind, int level, int name, int value) {
        return optionFor(kind, level, name) != null && valueFits(level, name, value);
    }

    /**
     * Sets an option on a channel; loop thread.
     *
     * @throws IOException when the operating system refuses it
     */
    static void apply(NetworkChannel channel, int kind, int level, int name, int value) throws IOException {
        SocketOption<?> option = optionFor(kind, level, name);
        if (option == null) {
            throw new IOException("unsupported option: level=" + level + ", name=" + name);
        }
        if (option.type() == Boolean.class) {
            set(channel, option, value != 0);
        } else {
            set(channel, option, value);
        }
    }

    private static SocketOption<?> optionFor(int kind, int level, int name) {
        boolean tcp = kind == Slot.KIND_TCP || kind == Slot.KIND_TLS;
        if (level == SocketOptions.SOL_SOCKET) {
            switch (name) {
                case SocketOptions.SO_REUSEADDR: return StandardSocketOptions.SO_REUSEADDR;
                case SocketOptions.SO_KEEPALIVE: return tcp ? StandardSocketOptions.SO_KEEPALIVE : null;
                case SocketOptions.SO_RCVBUF: return StandardSocketOptions.SO_RCVBUF;
                case SocketOptions.SO_SNDBUF: return kind == Slot.KIND_LISTENER ? null : StandardSocketOptions.SO_SNDBUF;
                default: return null;
            }
        }
        if (level == SocketOptions.IPPROTO_TCP && tcp) {
            switch (name) {
                case SocketOptions.TCP_NODELAY: return StandardSocketOptions.TCP_NODELAY;
                case SocketOptions.TCP_KEEPIDLE: return KEEP_IDLE;
                case SocketOptions.TCP_KEEPINTVL: return KEEP_INTERVAL;
                case SocketOptions.TCP_KEEPCNT: return KEEP_COUNT;
                default: return null;
            }
        }
        return null;
    }

    private static boolean valueFits(int level, int name, int value) {
        if (level == SocketOptions.IPPROTO_TCP) {
            switch (name) {
                case SocketOptions.TCP_KEEPIDLE:
                case SocketOptions.TCP_KEEPINTVL:
                    return value >= 1 && value <= 32767;
                case SocketOptions.TCP_KEEPCNT:
                    return value >= 1 && value <= 127;
                default:
                    return value >= 0;
            }
        }
        if (name == SocketOptions.SO_RCVBUF || name == SocketOptions.SO_SNDBUF) {
            return value >= 1;
        }
        return value >= 0;
    }

    // The option's type was checked by the caller (Boolean or Integer), so the unchecked
    // conversion is sound.
    @SuppressWarnings("unchecked")
    private static <T> void set(NetworkChannel channel, SocketOption<?> option, T value) throws IOException {
        channel.setOption((SocketOption<T>) option, value);
    }

    private static SocketOption<?> extended(String field) {
        try {
            Class<?> options = Class.forName("jdk.net.ExtendedSocketOptions");
            Object value = options.getField(field).get(null);
            return value instanceof SocketOption ? (SocketOption<?>) value : null;
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            return null; // Java 8, or a platform without the option: "not supported"
        }
    }
}
