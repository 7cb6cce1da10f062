package io.wattsweep.worker.train.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

class PlacedGradientsTest {

  private static final long[] INPUT = {2, 5, 4, 3, 2};
  private static final long[] FILTER = {3, 2, 3, 2, 3};

  /** The C++ registry's gradients (Sum, Relu) and the Java one (Conv3D) alike. */
  @Test
  void everyGradientOpRunsOnTheDeviceOfTheScopeItIsBuiltFrom() {
    Conv3dGradient.register();
    DeviceSpec second =
        DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(1).build();
    try (Graph g = new Graph()) {
      Ops onSecond = Ops.create(g).withDevice(second);
      // Fed, not computed: constant inputs would let Grappler fold the whole gradient away.
      Placeholder<TFloat32> x = onSecond.placeholder(TFloat32.class);
      Placeholder<TFloat32> w = onSecond.placeholder(TFloat32.class);
      var y = onSecond.nn.relu(onSecond.nn.conv3d(x, w, List.of(1L, 1L, 1L, 1L, 1L), "SAME"));
      var loss = onSecond.sum(y, onSecond.constant(new int[] {0, 1, 2, 3, 4}));
      Output<?>[] grads =
          PlacedGradients.add(
              g,
              onSecond,
              "grads",
              new Output<?>[] {loss.asOutput()},
              new Output<?>[] {x.asOutput(), w.asOutput()},
              null);
      ConfigProto twoCpus = ConfigProto.newBuilder().putDeviceCount("CPU", 2).build();
      try (Session s = new Session(g, twoCpus);
          TFloat32 xt = TFloat32.tensorOf(Shape.of(INPUT), DataBuffers.ofFloats(size(INPUT)));
          TFloat32 wt = TFloat32.tensorOf(Shape.of(FILTER), DataBuffers.ofFloats(size(FILTER)));
          Result result =
              s.runner()
                  .feed(x, xt)
                  .feed(w, wt)
                  .fetch(grads[0])
                  .fetch(grads[1])
                  .setOptions(RunOptions.newBuilder().setOutputPartitionGraphs(true).build())
                  .runAndFetchMetadata()) {
        int backprops = 0;
        List<String> elsewhere = new ArrayList<>();
        for (GraphDef partition : result.getMetadata().orElseThrow().getPartitionGraphsList()) {
          for (NodeDef node : partition.getNodeList()) {
            // Fetched gradients are received on device 0 by _Recv ops named after them.
            boolean transfer = node.getOp().equals("_Send") || node.getOp().equals("_Recv");
            if (node.getName().startsWith("grads/")
                && !transfer
                && !node.getDevice().endsWith("CPU:1")) {
              elsewhere.add(node.getName() + " on " + node.getDevice());
            }
            if (node.getOp().startsWith("Conv3DBackprop")) {
              backprops++;
            }
          }
        }
        assertTrue(elsewhere.isEmpty(), elsewhere.toString());
        assertEquals(2, backprops);
      }
    }
  }

  private static long size(long[] shape) {
    return Shape.of(shape).size();
  }
}
