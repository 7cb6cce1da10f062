package io.wattsweep.worker.train.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * What each model's TowerPlacementTest checks: towers on two logical CPU devices run where a tower
 * belongs, read from the partition graphs of real updates: every op of tower i, its forward and its
 * gradients, ran on device i. What is not a tower's is not checked and runs on device 0: the one
 * copy of the variables (each tower reads them from there), the batch's gather and split, the
 * towers' mean gradients and the optimizer.
 */
public final class TowerPlacement {

  /** The towers the models are built with. */
  public static final int TOWERS = 2;

  /**
   * A tower's ops are under its scope ("tower1/") or under the prefix its gradients were built with
   * ("g_gradients1/", "local_penalty1/"): both end in the tower's index.
   */
  private static final Pattern TOWER =
      Pattern.compile("^(?:tower|[a-z]+_gradients|[a-z]+_penalty)(\\d+)/");

  private static final Pattern DEVICE_INDEX = Pattern.compile("/device:CPU:(\\d+)$");

  /** Transfers between devices run on both ends, named after the op whose tensor they carry. */
  private static final Set<String> TRANSFERS = Set.of("_Send", "_Recv", "_HostSend", "_HostRecv");

  private TowerPlacement() {}

  /** Fails naming each run whose towers ran an op on another tower's device. */
  public static void assertOnTheirOwnDevices(Map<String, List<GraphDef>> runs) {
    List<String> failures = new ArrayList<>();
    runs.forEach(
        (run, graphs) -> {
          int[] ran = new int[TOWERS];
          int[] elsewhere = new int[TOWERS];
          List<String> examples = new ArrayList<>();
          for (GraphDef graph : graphs) {
            for (NodeDef node : graph.getNodeList()) {
              Matcher tower = TOWER.matcher(node.getName());
              if (!tower.find() || TRANSFERS.contains(node.getOp())) {
                continue;
              }
              int i = Integer.parseInt(tower.group(1));
              ran[i]++;
              Matcher device = DEVICE_INDEX.matcher(node.getDevice());
              if (!device.find() || Integer.parseInt(device.group(1)) != i) {
                elsewhere[i]++;
                if (examples.size() < 5) {
                  examples.add(node.getName() + " (" + node.getOp() + ") on " + node.getDevice());
                }
              }
            }
          }
          StringBuilder counts = new StringBuilder(run + ":");
          for (int i = 0; i < TOWERS; i++) {
            counts.append(
                String.format(
                    " tower %d ran %d ops, %d on another device;", i, ran[i], elsewhere[i]));
            if (ran[i] == 0 || elsewhere[i] > 0) {
              failures.add(
                  run
                      + ": tower "
                      + i
                      + " ran "
                      + ran[i]
                      + " ops, "
                      + elsewhere[i]
                      + " on another device, e.g. "
                      + examples);
            }
          }
          System.out.println(counts);
        });
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }
}
