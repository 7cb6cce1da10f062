package io.wattsweep.worker.train.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/** Every float variable of a graph but the loss scales: weights and optimizer slots, by name. */
final class TrainingState {

  private TrainingState() {}

  static Map<String, float[]> read(Graph graph, Session session) {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (!op.type().equals("VariableV2")
          || op.attributes().getAttrType("dtype") != DataType.DT_FLOAT
          || op.name().endsWith("loss_scale")) {
        continue;
      }
      try (Result r = session.runner().fetch(op.output(0)).run()) {
        TFloat32 t = (TFloat32) r.get(0);
        float[] v = new float[Math.toIntExact(t.size())];
        t.asRawTensor().data().asFloats().read(v);
        values.put(op.name(), v);
      }
    }
    return values;
  }

  static void assertSame(Map<String, float[]> expected, Map<String, float[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((name, v) -> assertArrayEquals(v, actual.get(name), name));
  }
}
