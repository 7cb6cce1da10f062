package io.wattsweep.worker.train.threedgan;

import static io.wattsweep.worker.train.internal.TowerPlacement.TOWERS;
import static io.wattsweep.worker.train.internal.TowerPlacement.assertOnTheirOwnDevices;

import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.train.WorkloadSpec;
import io.wattsweep.worker.train.threedgan.ThreeDGan.Update;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.GraphDef;

/** The 3DGAN's towers on two logical CPU devices each run on their own ({@code TowerPlacement}). */
class TowerPlacementTest {

  @Test
  void threeDGanTowersRunEveryOpOnTheirOwnDevice() {
    Map<String, List<GraphDef>> runs = new LinkedHashMap<>();
    try (ThreeDGan gan =
        ThreeDGan.open(new WorkloadSpec("3dgan", 0.25, Precision.FP32, 4, TOWERS, 11))) {
      for (Update update : Update.values()) {
        runs.put("3dgan " + update, gan.graphsRan(update));
      }
    }
    assertOnTheirOwnDevices(runs);
  }
}
