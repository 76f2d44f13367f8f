package org.camelgateway.headers;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayHeaderFilterStrategyTest {

    final GatewayHeaderFilterStrategy filter = new GatewayHeaderFilterStrategy();

    @ParameterizedTest
    @ValueSource(strings = {"CamelHttpUri", "cAmElHttpUri", "CAMELHTTPPATH", "camelFileName", "org.apache.camel.x",
        "ORG.APACHE.CAMEL.X"})
    void camelHeadersAreDroppedInBothDirectionsWhateverTheirCase(String name) {
        assertThat(filter.applyFilterToExternalHeaders(name, "v", null)).isTrue();
        assertThat(filter.applyFilterToCamelHeaders(name, "v", null)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding",
        "Upgrade", "Content-Length", "Content-Type", "Host", "Expect", "Proxy-Authorization", "cOnTeNt-LeNgTh", "te",
        "HOST"})
    void hopByHopAndFramingHeadersAreNotWrittenOut(String name) {
        assertThat(filter.applyFilterToCamelHeaders(name, "v", null)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Cache-Control", "Date", "Pragma", "Via", "Warning", "Set-Cookie", "Authorization",
        "X-Request-Id", "Content-Encoding", "Location", "CamelotHeader-Not-Really",
        // as long as a filtered name, or longer than any
        "Accept", "Cookie", "Referer", "Content-Language", "X-Forwarded-Host", "Proxy-Authenticate",
        "X-A-Header-Longer-Than-Any-Filtered-One", "X", ""})
    void endToEndHeadersPass(String name) {
        boolean camelLike = name.toLowerCase().startsWith("camel");
        assertThat(filter.applyFilterToCamelHeaders(name, "v", null)).isEqualTo(camelLike);
        assertThat(filter.applyFilterToExternalHeaders(name, "v", null)).isEqualTo(camelLike);
    }
}
