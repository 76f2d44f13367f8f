package org.camelgateway.config;

import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.support.TypeConverterSupport;

/** The method header's String to camel-http's {@link HttpMethods}, as a direct converter (see its registration). */
final class HttpMethodsTypeConverter extends TypeConverterSupport {

    @Override
    public <T> T convertTo(Class<T> type, Exchange exchange, Object value) {
        return type.cast(HttpMethods.valueOf(value.toString().toUpperCase(Locale.ROOT)));
    }
}
