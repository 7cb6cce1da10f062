package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.spec.BuiltInModel;
import io.wattsweep.common.spec.CommandName;

/**
 * The task and paper the catalog files a model under, as {@link BuiltInModel} gives them. A command
 * workload ({@code command:NAME}) is whatever its workers' operators configured: no paper.
 */
final class ModelTaxonomy {
  private ModelTaxonomy() {}

  static String task(String model) {
    if (CommandName.isCommand(model)) {
      return "command workload configured on the workers";
    }
    return BuiltInModel.find(model).map(BuiltInModel::task).orElse("generative model");
  }

  static String paper(String model) {
    return BuiltInModel.find(model).map(BuiltInModel::paper).orElse(null);
  }
}
