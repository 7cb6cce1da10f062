package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.spec.CommandName;
import java.util.Map;

/**
 * The fixed taxonomy of the models wattsweep trains: their task and their paper. A command
 * workload ({@code command:NAME}) is whatever its workers' operators configured: no paper.
 */
final class ModelTaxonomy {
  private static final Map<String, String[]> MODELS = Map.of(
      "3dgan", new String[] {"calorimeter shower simulation (3D GAN)", "arXiv:2109.07388"},
      "vae-progan", new String[] {"satellite image tile generation (VAE + progressive GAN)",
          "arXiv:2211.15303"});

  private ModelTaxonomy() {}

  static String task(String model) {
    if (CommandName.isCommand(model)) {
      return "command workload configured on the workers";
    }
    return MODELS.getOrDefault(model, new String[] {"generative model", null})[0];
  }

  static String paper(String model) {
    return MODELS.getOrDefault(model, new String[] {null, null})[1];
  }
}
