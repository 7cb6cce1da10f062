package io.wattsweep.coordinator.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ModelTaxonomyTest {

  @Test
  void builtInModelsAreFiledUnderTheirTaskAndPaper() {
    assertEquals("calorimeter shower simulation (3D GAN)", ModelTaxonomy.task("3dgan"));
    assertEquals("arXiv:2109.07388", ModelTaxonomy.paper("3dgan"));
    assertEquals(
        "satellite image tile generation (VAE + progressive GAN)",
        ModelTaxonomy.task("vae-progan"));
    assertEquals("arXiv:2211.15303", ModelTaxonomy.paper("vae-progan"));
  }

  @Test
  void aCommandWorkloadHasATaskButNoPaper() {
    assertEquals(
        "command workload configured on the workers", ModelTaxonomy.task("command:resnet50"));
    assertNull(ModelTaxonomy.paper("command:resnet50"));
    assertEquals("generative model", ModelTaxonomy.task("stylegan"));
  }
}
