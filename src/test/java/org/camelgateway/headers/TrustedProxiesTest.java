package org.camelgateway.headers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {

    private static final TrustedProxies TRUSTED = TrustedProxies.parse("10.0.0.0/8, 127.0.0.1, 2001:db8::/32, ::1");

    @ParameterizedTest(name = "peer {0}, X-Forwarded-For [{1}] -> {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        // an untrusted peer is the client, whatever it claims
        "198.51.100.1 | 203.0.113.9                        | 198.51.100.1",
        "198.51.100.1 | 10.0.0.1                           | 198.51.100.1",
        // a trusted peer without a claim is the client
        "127.0.0.1    | null                               | 127.0.0.1",
        "127.0.0.1    | '   '                              | 127.0.0.1",
        // behind trusted proxies: the first untrusted hop from the right
        "127.0.0.1    | 203.0.113.9                        | 203.0.113.9",
        "10.1.2.3     | 203.0.113.9, 10.0.0.5, 10.9.9.9    | 203.0.113.9",
        "10.1.2.3     | 203.0.113.9,10.0.0.5               | 203.0.113.9",
        // what the client wrote left of the first untrusted hop is never believed
        "10.1.2.3     | 6.6.6.6, 203.0.113.9, 10.0.0.5     | 203.0.113.9",
        "10.1.2.3     | 127.0.0.1, 203.0.113.9             | 203.0.113.9",
        // every hop trusted: the leftmost
        "10.1.2.3     | 10.0.0.7, 10.0.0.5                 | 10.0.0.7",
        // garbage: nothing left of it is believed, the last believed hop is the client
        "127.0.0.1    | 203.0.113.9, unknown               | 127.0.0.1",
        "10.1.2.3     | 203.0.113.9, bogus, 10.0.0.5       | 10.0.0.5",
        "127.0.0.1    | 203.0.113.9:4711                   | 127.0.0.1",
        "127.0.0.1    | 256.1.1.1                          | 127.0.0.1",
        "127.0.0.1    | 1.2.3                              | 127.0.0.1",
        "127.0.0.1    | 1.2.3.4.5                          | 127.0.0.1",
        "127.0.0.1    | 1..3.4                             | 127.0.0.1",
        "127.0.0.1    | '203.0.113.9, '                    | 127.0.0.1",
        "127.0.0.1    | [2001:db9::7]                      | 127.0.0.1",
        "127.0.0.1    | fe80::1%eth0                       | 127.0.0.1",
        "127.0.0.1    | .:                                 | 127.0.0.1",
        "127.0.0.1    | localhost                          | 127.0.0.1",
        // IPv6 hops and peers
        "::1          | 2001:db9::7, 2001:db8:1::1         | 2001:db9::7",
        "::1          | 2001:db8::7, 2001:db8:1::1         | 2001:db8::7",
        "2001:db9::1  | 203.0.113.9                        | 2001:db9::1",
        // an IPv4-mapped IPv6 peer is its IPv4 address
        "::ffff:10.0.0.1 | 203.0.113.9                     | 203.0.113.9",
        "null         | 203.0.113.9                        | null"})
    void theClientIsTheFirstUntrustedHopFromTheRightAndOnlyBehindATrustedPeer(String peer, String forwardedFor,
            String client) {
        assertThat(TRUSTED.clientAddress(peer, forwardedFor)).isEqualTo(client);
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "10.0.0.0/8,        10.255.255.255, true",
        "10.0.0.0/8,        11.0.0.0,       false",
        "10.1.2.3/8,        10.200.0.1,     true",
        "192.168.1.128/25,  192.168.1.128,  true",
        "192.168.1.128/25,  192.168.1.255,  true",
        "192.168.1.128/25,  192.168.1.127,  false",
        "172.16.0.0/12,     172.31.255.255, true",
        "172.16.0.0/12,     172.32.0.0,     false",
        "127.0.0.1,         127.0.0.1,      true",
        "127.0.0.1,         127.0.0.2,      false",
        "0.0.0.0/0,         203.0.113.9,    true",
        "0.0.0.0/0,         ::1,            false",
        "2001:db8::/32,     2001:db8:ffff::1, true",
        "2001:db8::/32,     2001:db9::,     false",
        "2001:db8::/32,     32.1.13.184,    false",
        "fe80::/10,         fe80::1,        true",
        "fe80::/10,         febf::1,        true",
        "fe80::/10,         fec0::1,        false",
        "::1,               ::1,            true",
        "::1,               0:0:0:0:0:0:0:1, true",
        "::1,               ::2,            false",
        "::/0,              2001:db8::1,    true",
        "::/0,              10.0.0.1,       false"})
    void aCidrHoldsExactlyTheAddressesUnderItsPrefix(String cidr, String address, boolean trusted) {
        assertThat(TrustedProxies.parse(cidr).isTrusted(address)).isEqualTo(trusted);
    }

    @Test
    void nothingIsTrustedWithoutAListAndEmptyEntriesAreSkipped() {
        assertThat(TrustedProxies.parse(null).isTrusted("127.0.0.1")).isFalse();
        assertThat(TrustedProxies.parse("").clientAddress("127.0.0.1", "203.0.113.9")).isEqualTo("127.0.0.1");
        assertThat(TrustedProxies.parse(" 10.0.0.1 ,, ").isTrusted("10.0.0.1")).isTrue();
        assertThat(TRUSTED.isTrusted(null)).isFalse();
    }

    /** Only ASCII digits make an address: Java's digit tests also take Arabic-Indic and full-width ones. */
    @Test
    void digitsOtherThanAsciiAreNotAnAddress() {
        assertThat(TRUSTED.isTrusted("\u0661\u0660.0.0.1")).isFalse();
        assertThat(TRUSTED.isTrusted("\uff11\uff10.0.0.1")).isFalse();
        assertThat(TrustedProxies.literal("\u0661\u0660.0.0.1")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/-1", "::/129", "10.0.0.0/x", "not-an-ip", "10.0.0", "[::1]",
        "localhost"})
    void aBadEntryInTheListIsRefusedAtStart(String entry) {
        assertThatThrownBy(() -> TrustedProxies.parse("127.0.0.1, " + entry))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
