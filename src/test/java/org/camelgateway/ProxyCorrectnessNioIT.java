package org.camelgateway;

import java.util.Map;

/**
 * Every proxy guarantee of {@link ProxyCorrectnessIT} again on Java NIO ({@code gateway.native-transport=false}), the
 * transport of every platform where Netty's epoll library does not load (macOS, Linux on ARM with this jar).
 */
class ProxyCorrectnessNioIT extends ProxyCorrectnessIT {

    @Override
    Map<String, String> extraProperties() {
        return Map.of("gateway.native-transport", "false");
    }
}
