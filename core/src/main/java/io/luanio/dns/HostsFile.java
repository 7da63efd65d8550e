package io.luanio.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed hosts file ({@code hosts(5)}): lines of an IP address followed by a canonical
 * name and aliases; {@code #} starts a comment; a line whose address is not an IP literal
 * is skipped. Names are matched case-insensitively, without a trailing dot; each name
 * keeps its addresses in file order, without duplicates. Pure: text in, table out.
 */
final class HostsFile {
    static final HostsFile EMPTY = new HostsFile(Collections.<String, Entry>emptyMap());

    /** The addresses of one name, with the results handed out for it (built once). */
    static final class Entry {
        final String name;
        final List<InetAddress> v4 = new ArrayList<>(2);
        final List<InetAddress> v6 = new ArrayList<>(2);
        private final LookupResult[] results = new LookupResult[3];

        Entry(String name) {
            this.name = name;
        }

        /** @return the answer for a family, or null when the file has no address of it */
        LookupResult result(int family) {
            int i = family == LookupResult.FAMILY_IPV4 ? 0 : family == LookupResult.FAMILY_IPV6 ? 1 : 2;
            LookupResult r = results[i];
            if (r == null) {
                List<InetAddress> list = new ArrayList<>();
                if (family != LookupResult.FAMILY_IPV6) {
                    list.addAll(v4);
                }
                if (family != LookupResult.FAMILY_IPV4) {
                    list.addAll(v6);
                }
                if (list.isEmpty()) {
                    return null;
                }
                r = LookupResult.success(name, family, LookupResult.SOURCE_HOSTS, LookupResult.toArray(list), name, 0);
                results[i] = r;
            }
            return r;
        }
    }

    private final Map<String, Entry> entries;

    private HostsFile(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /**
     * Parses the text of a hosts file.
     *
     * @param text the file's contents
     * @return the table
     */
    static HostsFile parse(CharSequence text) {
        Map<String, Entry> entries = new HashMap<>();
        int n = text.length();
        int lineStart = 0;
        List<String> fields = new ArrayList<>();
        while (lineStart < n) {
            int lineEnd = lineStart;
            while (lineEnd < n && text.charAt(lineEnd) != '\n') {
                lineEnd++;
            }
            splitFields(text, lineStart, lineEnd, fields);
            lineStart = lineEnd + 1;
            if (fields.size() < 2) {
                continue;
            }
            InetAddress address = IpLiterals.parse(fields.get(0));
            if (address == null) {
                continue;
            }
            for (int i = 1; i < fields.size(); i++) {
                String name = key(fields.get(i));
                if (name.isEmpty() || DnsCodec.checkName(name) != null) {
                    continue;
                }
                Entry e = entries.get(name);
                if (e == null) {
                    e = new Entry(name);
                    entries.put(name, e);
                }
                List<InetAddress> list = address instanceof Inet4Address ? e.v4 : e.v6;
                if (!list.contains(address)) {
                    list.add(address);
                }
            }
        }
        return new HostsFile(entries);
    }

    /** Splits a line into whitespace-separated fields, up to a {@code #}. */
    private static void splitFields(CharSequence text, int from, int to, List<String> out) {
        out.clear();
        int i = from;
        while (i < to) {
            char c = text.charAt(i);
            if (c == '#') {
                return;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                i++;
                continue;
            }
            int start = i;
            while (i < to) {
                c = text.charAt(i);
                if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '#') {
                    break;
                }
                i++;
            }
            out.add(text.subSequence(start, i).toString());
        }
    }

    /** The lookup key of a name: lower case, no trailing dot. Returns {@code name} itself when it already is one. */
    static String key(String name) {
        int n = name.length();
        if (n > 0 && name.charAt(n - 1) == '.') {
            name = name.substring(0, n - 1);
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** @return the entry for a key (see {@link #key}), or null */
    Entry get(String key) {
        return entries.get(key);
    }

    /** @return the number of names */
    int size() {
        return entries.size();
    }
}
