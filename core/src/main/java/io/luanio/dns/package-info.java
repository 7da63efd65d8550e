/**
 * The resolver inside the event loop: names to addresses without ever blocking the loop.
 *
 * <h2>The pieces</h2>
 * <pre>
 *  Context.lookup / connect(host name)          (io.luanio, owner thread -&gt; command queue)
 *        |
 *  Resolver.lookup            literal? hosts file? localhost/.invalid (RFC 6761)?
 *        |                    platform mode? --&gt; PlatformLookup (pool thread, result back
 *        |                                       through the command queue)
 *        |                    cache hit?  --&gt; shared LookupResult, no allocation
 *  NameLookup                 search list + ndots, A and/or AAAA, CNAME following
 *        |
 *  Exchange (one per question in flight, shared by identical questions)
 *        UDP: fresh DatagramChannel, random port and id, connected to the server
 *        TCP: when the answer is truncated
 *        deadline per try on the loop's TimerHeap; failover across servers
 *        |
 *  DnsCodec / DnsMessage / DnsAnswer   (pure: bytes in, records out)
 *  DnsCache                            (bounded LRU, TTLs, negative answers)
 *  HostsFile / ResolvConf              (pure parsers) -&gt; ResolverConfig
 * </pre>
 *
 * <h2>Decisions</h2>
 * <ul>
 * <li><b>One thread.</b> Queries, timers, cache and files' parsed forms belong to the
 *     loop thread. The only other threads are a small, lazily started pool that runs the
 *     platform resolver (where there is no resolv.conf) and re-reads resolv.conf and the
 *     hosts file when they change; their results come back as commands.</li>
 * <li><b>Security.</b> Every try opens a new UDP socket bound to a random port of
 *     49152..65535 and connected to the server, and sends a random 16-bit id from a
 *     {@link java.security.SecureRandom} seeded before the loop starts. A datagram counts
 *     as the answer only when it comes from the server's address and port, carries the
 *     id, is a response to a standard query, and repeats our one question (name compared
 *     case-insensitively, type, class IN); anything else is counted and ignored while the
 *     try goes on. 0x20 case randomisation is not used (some servers do not preserve
 *     case). The cache, in-flight queries and unclaimed results are all bounded.</li>
 * <li><b>Hostile bytes.</b> The codec checks every length against the message,
 *     accepts compression pointers only when they point strictly before every position
 *     already read for that name (so they cannot loop), limits names to 255 bytes and
 *     labels to 63, and reports any violation as one checked exception type.</li>
 * <li><b>Transport.</b> EDNS(0) with a 1232-byte payload by default; a FORMERR to an EDNS
 *     query is retried once without it; a truncated answer is asked again over TCP from
 *     the same server (RFC 7766). SERVFAIL, REFUSED, a malformed answer, an ICMP "port
 *     unreachable" or a timeout move on to the next server; {@code attempts} rounds over
 *     the list; {@code rotate} starts each question at the next server.</li>
 * <li><b>Answers.</b> A CNAME chain is followed inside the answer; a chain that stops
 *     without data (a server authoritative for the first zone only) is followed with new
 *     queries, at most 8. Positive answers are cached for their smallest TTL (capped);
 *     NXDOMAIN and NODATA for min(SOA TTL, SOA MINIMUM) (RFC 2308), not at all without an
 *     SOA. Failures (timeouts, SERVFAIL, ...) are never cached.</li>
 * <li><b>Names.</b> resolv.conf semantics for the search list and {@code ndots}; a trailing
 *     dot turns the search off; non-ASCII names are converted with IDNA. The hosts file
 *     speaks for every name it lists. {@code localhost} and {@code *.localhost} are
 *     loopback when the hosts file does not list them, and {@code *.invalid} never exists
 *     (RFC 6761); neither reaches a server.</li>
 * <li><b>Results.</b> Every outcome is a {@link io.luanio.dns.LookupResult}: a status
 *     (NXDOMAIN, NODATA, SERVFAIL, REFUSED, TIMEOUT, MALFORMED, NETWORK_ERROR, OVERLOADED,
 *     INVALID_NAME, CLOSED) and a message such as {@code "no such host: example.com"};
 *     nothing is thrown. A connect to a name that fails to resolve ends with
 *     {@code CONN_CNF} result 1 and that message as the socket's reason.</li>
 * </ul>
 *
 * <p>Public here: {@link io.luanio.dns.ResolverConfig} (settings),
 * {@link io.luanio.dns.LookupResult} (outcomes), {@link io.luanio.dns.IpLiterals} (literal
 * parsing that never resolves), and {@link io.luanio.dns.Resolver} with its
 * {@code Host}/{@code Callback} interfaces, which the loop uses; applications go through
 * {@code io.luanio.Context}.
 */
package io.luanio.dns;
