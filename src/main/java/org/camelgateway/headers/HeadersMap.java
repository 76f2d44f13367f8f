package org.camelgateway.headers;

import java.security.SecureRandom;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A message's headers: names compared ignoring case, as Camel's own map compares them, kept in the order they were
 * first put. Camel's map is a TreeMap: four or five case-insensitive comparisons per lookup, and a third of the
 * gateway's CPU per request at full load went to header puts and gets. This one hashes the folded name once per
 * lookup and compares it once. Insertion order also keeps the client's and the backend's header order on the way
 * through, as nginx does, where Camel's map sorted them by name. Not thread-safe, like Camel's.
 *
 * <p>A name matches another when {@link String#equalsIgnoreCase} says so; the hash folds each char the same way
 * ({@code toLowerCase(toUpperCase(c))}), and surrogates, which that method compares as code points, all hash
 * alike.
 */
final class HeadersMap extends AbstractMap<String, Object> {

    /** A request's message holds 15-20 headers (Camel's own among them): room for 24 before the table grows. */
    private static final int INITIAL_BUCKETS = 32;

    private Node[] buckets = new Node[INITIAL_BUCKETS];
    private Node head;
    private Node tail;
    private int size;
    private int modifications;
    private Set<Map.Entry<String, Object>> entries;
    private Set<String> keys;

    HeadersMap() {
    }

    HeadersMap(Map<String, Object> from) {
        putAll(from);
    }

    private static final class Node implements Map.Entry<String, Object> {
        final String key;
        final int hash;
        Object value;
        Node nextInBucket;
        Node before;
        Node after;

        Node(String key, int hash, Object value) {
            this.key = key;
            this.hash = hash;
            this.value = value;
        }

        @Override
        public String getKey() {
            return key;
        }

        @Override
        public Object getValue() {
            return value;
        }

        @Override
        public Object setValue(Object value) {
            Object old = this.value;
            this.value = value;
            return old;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && Objects.equals(key, e.getKey())
                    && Objects.equals(value, e.getValue());
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(key) ^ Objects.hashCode(value);
        }

        @Override
        public String toString() {
            return key + "=" + value;
        }
    }

    /**
     * The folded hash of a name. Most lookups are Camel's and the gateway's own constant names, so the last hash
     * of each is kept, by identity, in a small table shared by all maps: folding a 20-character name on each of
     * the hundred or so lookups per request was 5% of the CPU. Each slot holds one immutable pair, so threads
     * that race on a slot see either pair whole.
     */
    static int hash(String name) {
        int slot = name.hashCode() & (KNOWN.length - 1);
        Known known = KNOWN[slot];
        if (known != null && known.name == name) {
            return known.hash;
        }
        int h = fold(name);
        if (name.length() <= KNOWN_NAME_LIMIT) {
            KNOWN[slot] = new Known(name, h);
        }
        return h;
    }

    private record Known(String name, int hash) {
    }

    private static final Known[] KNOWN = new Known[1024];

    /** Longer names (only clients send such) are not kept: the table holds at most 64 KiB of names. */
    private static final int KNOWN_NAME_LIMIT = 64;

    /**
     * A multiplier chosen per process: names that clients send must not be able to collide on purpose (with
     * {@code 31}, "a~" and "b_" hash alike, and so do all their concatenations), or a few hundred of them in one
     * request would make every lookup walk them all.
     */
    private static final int MULTIPLIER = new SecureRandom().nextInt() | 1;

    private static int fold(String name) {
        int h = 0;
        for (int i = 0; i < name.length(); i++) {
            int c = name.charAt(i);
            if (c < 0x80) {
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
            } else if (Character.isSurrogate((char) c)) {
                c = Character.MIN_SURROGATE;
            } else {
                c = Character.toLowerCase(Character.toUpperCase((char) c));
            }
            h = MULTIPLIER * h + c;
        }
        return h ^ (h >>> 16);
    }

    private Node find(Object key) {
        return key instanceof String name ? find(name, hash(name)) : null;
    }

    private Node find(String name, int h) {
        for (Node n = buckets[h & (buckets.length - 1)]; n != null; n = n.nextInBucket) {
            if (n.hash == h && (n.key == name || n.key.equalsIgnoreCase(name))) {
                return n;
            }
        }
        return null;
    }

    @Override
    public Object get(Object key) {
        Node n = find(key);
        return n == null ? null : n.value;
    }

    @Override
    public boolean containsKey(Object key) {
        return find(key) != null;
    }

    /** Replaces the value of a name already present and keeps its first spelling, as Camel's map does. */
    @Override
    public Object put(String key, Object value) {
        Objects.requireNonNull(key, "header name");
        int h = hash(key);
        Node present = find(key, h);
        if (present != null) {
            return present.setValue(value);
        }
        int index = h & (buckets.length - 1);
        Node n = new Node(key, h, value);
        n.nextInBucket = buckets[index];
        buckets[index] = n;
        if (tail == null) {
            head = n;
        } else {
            tail.after = n;
            n.before = tail;
        }
        tail = n;
        size++;
        modifications++;
        if (size > buckets.length * 3 / 4) {
            grow();
        }
        return null;
    }

    @Override
    public Object remove(Object key) {
        Node n = find(key);
        if (n == null) {
            return null;
        }
        unlink(n);
        return n.value;
    }

    @Override
    public void clear() {
        if (size > 0) {
            Arrays.fill(buckets, null);
            head = null;
            tail = null;
            size = 0;
            modifications++;
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        if (entries == null) {
            entries = new View<>(node -> node);
        }
        return entries;
    }

    /** Names as they were first put; {@code contains} and {@code remove} ignore case, as on the map. */
    @Override
    public Set<String> keySet() {
        if (keys == null) {
            keys = new View<>(node -> node.key) {
                @Override
                public boolean contains(Object o) {
                    return find(o) != null;
                }

                @Override
                public boolean remove(Object o) {
                    Node n = find(o);
                    if (n == null) {
                        return false;
                    }
                    unlink(n);
                    return true;
                }
            };
        }
        return keys;
    }

    /** The map's nodes in insertion order, each seen as an entry or as its name; backed by the map. */
    private class View<T> extends AbstractSet<T> {
        private final Function<Node, T> view;

        View(Function<Node, T> view) {
            this.view = view;
        }

        @Override
        public Iterator<T> iterator() {
            return new InOrder<>(view);
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public void clear() {
            HeadersMap.this.clear();
        }
    }

    private void unlink(Node n) {
        int index = n.hash & (buckets.length - 1);
        Node previous = null;
        for (Node b = buckets[index]; b != null; previous = b, b = b.nextInBucket) {
            if (b == n) {
                if (previous == null) {
                    buckets[index] = b.nextInBucket;
                } else {
                    previous.nextInBucket = b.nextInBucket;
                }
                break;
            }
        }
        if (n.before == null) {
            head = n.after;
        } else {
            n.before.after = n.after;
        }
        if (n.after == null) {
            tail = n.before;
        } else {
            n.after.before = n.before;
        }
        size--;
        modifications++;
    }

    private void grow() {
        Node[] larger = new Node[buckets.length * 2];
        for (Node n = head; n != null; n = n.after) {
            int index = n.hash & (larger.length - 1);
            n.nextInBucket = larger[index];
            larger[index] = n;
        }
        buckets = larger;
    }

    /** The nodes in insertion order, each seen as an entry or as its name. */
    private final class InOrder<T> implements Iterator<T> {
        private final Function<Node, T> view;
        private Node next = head;
        private Node last;
        private int expected = modifications;

        InOrder(Function<Node, T> view) {
            this.view = view;
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public T next() {
            if (modifications != expected) {
                throw new ConcurrentModificationException();
            }
            if (next == null) {
                throw new NoSuchElementException();
            }
            last = next;
            next = next.after;
            return view.apply(last);
        }

        @Override
        public void remove() {
            if (last == null) {
                throw new IllegalStateException();
            }
            if (modifications != expected) {
                throw new ConcurrentModificationException();
            }
            unlink(last);
            last = null;
            expected = modifications;
        }
    }
}
