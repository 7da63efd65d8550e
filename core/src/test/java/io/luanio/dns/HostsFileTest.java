package io.luanio.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** hosts(5) parsing. */
class HostsFileTest {
    private static final String TEXT = String.join("\n",
        "# comment line",
        "127.0.0.1\tlocalhost loopy   # trailing comment",
        "::1 localhost ip6-localhost",
        "",
        "   10.0.0.7 Web.Example.   web",
        "10.0.0.8 web.example",
        "10.0.0.7 web.example",
        "not-an-ip bad.example",
        "10.0.0.9",
        "fe80::1%1 linklocal.example",
        "300.1.1.1 overflow.example",
        "10.0.0.10 bad..name ok.example\r",
        "");

    @Test
    void readsAddressesPerNameInFileOrderWithoutDuplicates() throws Exception {
        HostsFile hosts = HostsFile.parse(TEXT);
        HostsFile.Entry web = hosts.get("web.example");
        assertEquals(Arrays.asList(InetAddress.getByName("10.0.0.7"), InetAddress.getByName("10.0.0.8")), web.v4);
        assertSame(web, hosts.get(HostsFile.key("WEB.example.")));
        assertEquals(1, hosts.get("web").v4.size());
        HostsFile.Entry localhost = hosts.get("localhost");
        assertEquals(1, localhost.v4.size());
        assertEquals(InetAddress.getByName("::1"), localhost.v6.get(0));
        assertEquals(1, hosts.get("loopy").v4.size());
        assertEquals(1, hosts.get("linklocal.example").v6.size());
        assertEquals(1, hosts.get("ok.example").v4.size());
    }

    @Test
    void skipsLinesThatAreNotAnAddressAndNames() {
        HostsFile hosts = HostsFile.parse(TEXT);
        assertNull(hosts.get("bad.example"));
        assertNull(hosts.get("overflow.example"));
        assertNull(hosts.get("bad..name"));
        assertNull(hosts.get("comment"));
    }

    @Test
    void resultsPerFamilyAreBuiltOnceAndAbsentWhenTheFileHasNone() {
        HostsFile hosts = HostsFile.parse(TEXT);
        HostsFile.Entry web = hosts.get("web.example");
        LookupResult any = web.result(LookupResult.FAMILY_ANY);
        assertSame(any, web.result(LookupResult.FAMILY_ANY));
        assertEquals(LookupResult.SOURCE_HOSTS, any.source());
        assertNull(web.result(LookupResult.FAMILY_IPV6));
        assertEquals(2, hosts.get("localhost").result(LookupResult.FAMILY_ANY).addresses().size());
    }

    @Test
    void emptyAndCommentOnlyFilesAreEmpty() {
        assertEquals(0, HostsFile.parse("").size());
        assertEquals(0, HostsFile.parse("# nothing\n\n   \n").size());
    }
}
