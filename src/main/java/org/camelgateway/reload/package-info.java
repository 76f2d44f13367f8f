/**
 * Hitless reload: a changed routes folder is validated as a whole set ({@code RoutesValidator}, also behind
 * {@code --validate}) and swapped while the listener holds new requests.
 */
package org.camelgateway.reload;
