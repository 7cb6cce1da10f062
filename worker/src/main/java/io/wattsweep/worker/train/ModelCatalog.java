package io.wattsweep.worker.train;

import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.ModelName;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.train.internal.ThreeDGan;
import io.wattsweep.worker.train.internal.VaeProGan;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The models wattsweep trains, with where they come from and what they cost. Names match {@code
 * io.wattsweep.common.spec.ModelName}, the names sweeps may use.
 */
public final class ModelCatalog {

  /** One model: what it is, and its sizes and cost at any scale. */
  public static final class Model {

    private final String name;
    private final String description;
    private final String paper;
    private final double defaultScale;
    private final int studyBatchSize;
    private final String studyBatchSource;
    private final Map<String, Long> studyParameters;
    private final String studyParametersSource;
    private final BiFunction<Double, Integer, ModelInfo> describer;

    private Model(
        String name,
        String description,
        String paper,
        double defaultScale,
        int studyBatchSize,
        String studyBatchSource,
        Map<String, Long> studyParameters,
        String studyParametersSource,
        BiFunction<Double, Integer, ModelInfo> describer) {
      this.name = name;
      this.description = description;
      this.paper = paper;
      this.defaultScale = defaultScale;
      this.studyBatchSize = studyBatchSize;
      this.studyBatchSource = studyBatchSource;
      this.studyParameters = studyParameters;
      this.studyParametersSource = studyParametersSource;
      this.describer = describer;
    }

    /** The wire name sweeps use, e.g. "3dgan". */
    public String name() {
      return name;
    }

    public String description() {
      return description;
    }

    /** Authors and arXiv id. */
    public String paper() {
      return paper;
    }

    /** The scale a sweep gets when it names none: the published size. */
    public double defaultScale() {
      return defaultScale;
    }

    /** The global batch to quote costs at. */
    public int studyBatchSize() {
      return studyBatchSize;
    }

    /** Where {@link #studyBatchSize()} comes from, or that it is an assumption. */
    public String studyBatchSource() {
      return studyBatchSource;
    }

    /** Parameters per network of the study's model at full size, for the networks known. */
    public Map<String, Long> studyParameters() {
      return studyParameters;
    }

    /** Where {@link #studyParameters()} come from. */
    public String studyParametersSource() {
      return studyParametersSource;
    }

    /** What a full training means by default, where that is known. */
    public Optional<FullTraining> fullTraining() {
      return ModelName.parse("model", name).defaultFullTraining();
    }

    /** Where {@link #fullTraining()} comes from, or why there is none. */
    public String fullTrainingSource() {
      return ModelName.parse("model", name).fullTrainingSource();
    }

    /**
     * Parameters per network and FLOPs per step at a scale and global batch, from the networks'
     * variables built in a throwaway graph (nothing is trained or allocated).
     *
     * @throws IllegalArgumentException naming the field and value for a bad scale or batch
     */
    public ModelInfo describe(double scale, int batchSize) {
      // The spec's checks name the field and value; the spec itself is not used further.
      new WorkloadSpec(name, scale, Precision.FP32, batchSize, 1, 0);
      return describer.apply(scale, batchSize);
    }
  }

  private static final List<Model> MODELS =
      List.of(
          new Model(
              Workloads.THREE_D_GAN,
              "3D convolutional GAN for calorimeter showers (51x51x25 cells), conditioned on the"
                  + " primary energy and the incidence angle",
              "Khattak, Vallecorsa, Carminati, Khan, arXiv 2109.07388",
              1.0,
              64,
              "the paper's batch",
              networks(1_364_983, 87_354),
              "counted from AngleArch3dGAN.py's layers",
              ThreeDGan::describe),
          new Model(
              Workloads.VAE_PROGAN,
              "conditional progressive GAN: the missing 128x128 one-channel tile of a satellite"
                  + " image from its three neighbours, encoded by a frozen encoder; local and global"
                  + " critics",
              "Cardoso, Vallecorsa, Nemni, arXiv 2211.15303",
              1.0,
              32,
              "the study's batch",
              studyProGan(),
              "the study: the generator's count, the critics' as rounded there (about 22.9M and"
                  + " 23.05M); the encoder's is not known",
              VaeProGan::describe));

  private ModelCatalog() {}

  private static Map<String, Long> studyProGan() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("generator", 18_734_214L);
    m.put("local-discriminator", 22_900_000L);
    m.put("global-discriminator", 23_050_000L);
    return Collections.unmodifiableMap(m);
  }

  private static Map<String, Long> networks(long generator, long discriminator) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("generator", generator);
    m.put("discriminator", discriminator);
    return Collections.unmodifiableMap(m);
  }

  /** Every model, in a fixed order. */
  public static List<Model> all() {
    return MODELS;
  }

  /**
   * The model of that name.
   *
   * @throws IllegalArgumentException naming the value and the known names
   */
  public static Model named(String name) {
    for (Model m : MODELS) {
      if (m.name().equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "model must be one of "
            + MODELS.stream().map(Model::name).collect(Collectors.joining(", "))
            + ": "
            + (name == null ? "null" : "'" + name + "'"));
  }
}
