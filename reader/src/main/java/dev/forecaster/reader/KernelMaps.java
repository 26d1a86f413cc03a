package dev.forecaster.reader;

import io.delta.kernel.data.ColumnVector;
import java.lang.reflect.Field;
import java.util.Optional;

/**
 * The arrays behind a string-to-double map column as delta-kernel-defaults 3.3 reads it. Its public
 * accessors go through a view vector that boxes both arguments of a bounds-check message on every
 * call and decodes every key to a new String: for a features map of ~20 entries that was a quarter
 * of the CPU and a third of the garbage of loading 100 symbols. Reading the arrays lets the reader
 * compare a row's key bytes with the previous row's and decode only keys that changed. The fields
 * are the kernel's internals: when they are not there (another kernel version), {@link #of} returns
 * null and the caller uses the public API.
 */
final class KernelMaps {
  private static final Field MAP_OFFSETS;
  private static final Field MAP_KEYS;
  private static final Field MAP_VALUES;
  private static final Field BINARY_VALUES;
  private static final Field DOUBLE_VALUES;
  private static final Field NULLABILITY;

  static {
    Field[] fields = new Field[6];
    try {
      String vectors = "io.delta.kernel.defaults.internal.data.vector.";
      Class<?> map = Class.forName(vectors + "DefaultMapVector");
      Class<?> binary = Class.forName(vectors + "DefaultBinaryVector");
      Class<?> dbl = Class.forName(vectors + "DefaultDoubleVector");
      Class<?> abstractVector = Class.forName(vectors + "AbstractColumnVector");
      fields[0] = map.getDeclaredField("offsets");
      fields[1] = map.getDeclaredField("keyVector");
      fields[2] = map.getDeclaredField("valueVector");
      fields[3] = binary.getDeclaredField("values");
      fields[4] = dbl.getDeclaredField("values");
      fields[5] = abstractVector.getDeclaredField("nullability");
      for (Field f : fields) {
        f.setAccessible(true);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      fields = new Field[6];
    }
    MAP_OFFSETS = fields[0];
    MAP_KEYS = fields[1];
    MAP_VALUES = fields[2];
    BINARY_VALUES = fields[3];
    DOUBLE_VALUES = fields[4];
    NULLABILITY = fields[5];
  }

  /** Row i's entries are [offsets[i], offsets[i + 1]) of keys and values. */
  final int[] offsets;

  /** UTF-8 bytes of each key. */
  final byte[][] keys;

  final double[] values;

  /** Where values are null (true), or null when none is. */
  final boolean[] valueIsNull;

  private KernelMaps(int[] offsets, byte[][] keys, double[] values, boolean[] valueIsNull) {
    this.offsets = offsets;
    this.keys = keys;
    this.values = values;
    this.valueIsNull = valueIsNull;
  }

  /** The arrays of a map vector, or null when it is not the kernel's (or they cannot be read). */
  static KernelMaps of(ColumnVector vector) {
    if (MAP_OFFSETS == null
        || vector == null
        || !MAP_OFFSETS.getDeclaringClass().isInstance(vector)) {
      return null;
    }
    try {
      Object keyVector = MAP_KEYS.get(vector);
      Object valueVector = MAP_VALUES.get(vector);
      if (!BINARY_VALUES.getDeclaringClass().isInstance(keyVector)
          || !DOUBLE_VALUES.getDeclaringClass().isInstance(valueVector)) {
        return null;
      }
      Optional<?> nulls = (Optional<?>) NULLABILITY.get(valueVector);
      return new KernelMaps(
          (int[]) MAP_OFFSETS.get(vector),
          (byte[][]) BINARY_VALUES.get(keyVector),
          (double[]) DOUBLE_VALUES.get(valueVector),
          nulls.isPresent() ? (boolean[]) nulls.get() : null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
