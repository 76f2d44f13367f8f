/**
 * The command line: {@code GatewayApplication.main} runs the gateway, {@code --validate} or {@code --training-run}. Nothing
 * imports this package.
 */
package org.camelgateway;
