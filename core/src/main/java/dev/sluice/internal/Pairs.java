package dev.sluice.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A few keys and values in insertion order, in one array: what a call's steps note (a handful of
 * entries) without a hash table per call. Lookups are linear, which for the few entries a call has
 * is faster than hashing. Not thread-safe; {@code CallState} guards it.
 */
public final class Pairs {

  private Object[] slots;
  private int size;

  public Pairs(int capacity) {
    this.slots = new Object[2 * capacity];
  }

  /** Sets {@code key} to {@code value}, replacing the value of an equal key in its place. */
  public void put(Object key, Object value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    for (int i = 0; i < size; i++) {
      if (slots[2 * i] == key || slots[2 * i].equals(key)) {
        slots[2 * i + 1] = value;
        return;
      }
    }
    if (2 * size == slots.length) {
      slots = Arrays.copyOf(slots, 2 * slots.length);
    }
    slots[2 * size] = key;
    slots[2 * size + 1] = value;
    size++;
  }

  public @Nullable Object get(Object key) {
    for (int i = 0; i < size; i++) {
      if (slots[2 * i] == key || slots[2 * i].equals(key)) {
        return slots[2 * i + 1];
      }
    }
    return null;
  }

  /** An unmodifiable map of three entries, in this order. */
  public static <K, V> Map<K, V> of(K k1, V v1, K k2, V v2, K k3, V v3) {
    return new Snapshot<>(new Object[] {k1, v1, k2, v2, k3, v3});
  }

  /** An unmodifiable copy, in insertion order. */
  @SuppressWarnings("unchecked")
  public <K, V> Map<K, V> snapshot() {
    return size == 0 ? Map.of() : new Snapshot<>(Arrays.copyOf(slots, 2 * size));
  }

  /** An immutable ordered map over a key, value, key, value... array. */
  private static final class Snapshot<K, V> extends AbstractMap<K, V> {
    private final Object[] slots;

    Snapshot(Object[] slots) {
      this.slots = slots;
    }

    @Override
    public int size() {
      return slots.length / 2;
    }

    @Override
    @SuppressWarnings("unchecked")
    public @Nullable V get(Object key) {
      for (int i = 0; i < slots.length; i += 2) {
        if (slots[i].equals(key)) {
          return (V) slots[i + 1];
        }
      }
      return null;
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return slots.length / 2;
        }

        @Override
        public Iterator<Entry<K, V>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < slots.length;
            }

            @Override
            @SuppressWarnings("unchecked")
            public Entry<K, V> next() {
              if (next >= slots.length) {
                throw new NoSuchElementException();
              }
              Entry<K, V> e = new SimpleImmutableEntry<>((K) slots[next], (V) slots[next + 1]);
              next += 2;
              return e;
            }
          };
        }
      };
    }
  }
}
