package io.luanio.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fallback where there is no resolv.conf: {@code InetAddress.getAllByName} on a
 * pool thread (it blocks, so never on the loop), the result handed back to the loop
 * through its command queue. A loop timer bounds the wait ({@code timeoutMs * attempts});
 * a result that comes later is dropped. The platform does not say why a name failed, so
 * every failure is NXDOMAIN ("no such host") with the platform's message as detail.
 */
final class PlatformLookup extends Timed implements Runnable {
    /** The blocking call (a seam for tests, which must not reach the platform's DNS servers). */
    interface Call {
        InetAddress[] resolve(String name) throws UnknownHostException;
    }

    static volatile Call call = InetAddress::getAllByName;

    private final Resolver resolver;
    private final String name;
    private final int family;
    private final Resolver.Callback callback;
    private boolean done;

    PlatformLookup(Resolver resolver, String name, int family, Resolver.Callback callback) {
        this.resolver = resolver;
        this.name = name;
        this.family = family;
        this.callback = callback;
    }

    /** Pool thread: the blocking call. */
    @Override
    public void run() {
        InetAddress[] all;
        try {
            all = call.resolve(name);
        } catch (UnknownHostException | SecurityException e) {
            String why = e.getMessage();
            complete(LookupResult.failure(name, family, LookupResult.NXDOMAIN, why == null || why.equals(name) ? null : why));
            return;
        } catch (RuntimeException e) {
            complete(LookupResult.failure(name, family, LookupResult.NETWORK_ERROR, Resolver.describe(e)));
            return;
        }
        List<InetAddress> wanted = new ArrayList<>(all.length);
        for (InetAddress a : all) {
            if (family == LookupResult.FAMILY_ANY
                || (family == LookupResult.FAMILY_IPV4 && a instanceof Inet4Address)
                || (family == LookupResult.FAMILY_IPV6 && a instanceof Inet6Address)) {
                wanted.add(a);
            }
        }
        complete(wanted.isEmpty()
            ? LookupResult.failure(name, family, LookupResult.NODATA, null)
            : LookupResult.success(name, family, LookupResult.SOURCE_PLATFORM, LookupResult.toArray(wanted), name, 0));
    }

    private void complete(LookupResult result) {
        resolver.host.execute(() -> finish(result));
    }

    /** Loop thread. */
    void finish(LookupResult result) {
        if (done) {
            return; // timed out or aborted first
        }
        done = true;
        resolver.cancel(this);
        resolver.release(this);
        resolver.deliver(callback, result);
    }

    @Override
    void onTimeout() {
        finish(LookupResult.failure(name, family, LookupResult.TIMEOUT,
            "the platform resolver did not answer within " + resolver.platformTimeoutMs + " ms"));
    }

    @Override
    void abort() {
        finish(LookupResult.failure(name, family, LookupResult.CLOSED, null));
    }
}
