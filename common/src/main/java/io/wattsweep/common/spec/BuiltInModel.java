package io.wattsweep.common.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What each built-in model is, the one place that says it: its name, task and paper, the study's
 * batch and parameter counts it is compared with, and what a full training of it means by default,
 * where that is known. Set {@code fullTraining} in the sweep to extrapolate to another training.
 * Sweeps name a model by {@link #wireName()}; {@link ModelName} checks such names.
 */
public enum BuiltInModel {
  /**
   * The 3DGAN as the study trained it: 124,987 showers an epoch, counted as its training loop
   * counts steps ({@code steps_per_epoch = 124987 // batch}), for 60 epochs.
   */
  GAN_3D(
      "3dgan",
      "calorimeter shower simulation (3D GAN)",
      "3D convolutional GAN for calorimeter showers (51x51x25 cells), conditioned on the"
          + " primary energy and the incidence angle",
      "Khattak, Vallecorsa, Carminati, Khan",
      "2109.07388",
      64,
      "the paper's batch",
      networks(Map.entry("generator", 1_364_983L), Map.entry("discriminator", 87_354L)),
      "counted from AngleArch3dGAN.py's layers",
      new FullTraining(124_987, 60),
      "the study's training: 124,987 showers an epoch (steps_per_epoch = 124987 // batch), 60"
          + " epochs"),

  /**
   * The VAE-ProGAN: no default full training. The study's code counts training in thousands of
   * images shown (total_kimg, 12,000 by default, each minibatch repeated 4 times), not in epochs,
   * and which schedule its 778.9 MJ extrapolation used is not established.
   */
  VAE_PROGAN(
      "vae-progan",
      "satellite image tile generation (VAE + progressive GAN)",
      "conditional progressive GAN: the missing 128x128 one-channel tile of a satellite"
          + " image from its three neighbours, encoded by a frozen encoder; local and global"
          + " critics",
      "Cardoso, Vallecorsa, Nemni",
      "2211.15303",
      32,
      "the study's batch",
      networks(
          Map.entry("generator", 18_734_214L),
          Map.entry("local-discriminator", 22_900_000L),
          Map.entry("global-discriminator", 23_050_000L)),
      "the study: the generator's count, the critics' as rounded there (about 22.9M and"
          + " 23.05M); the encoder's is not known",
      null,
      "none known: the study's code counts training in thousands of images shown (total_kimg,"
          + " 12,000 by default, each minibatch repeated 4 times), and whether the poster's"
          + " 778.9 MJ used that schedule is not established; give fullTraining in the sweep to"
          + " extrapolate");

  private final String wireName;
  private final String task;
  private final String description;
  private final String authors;
  private final String arxivId;
  private final int studyBatchSize;
  private final String studyBatchSource;
  private final Map<String, Long> studyParameters;
  private final String studyParametersSource;
  private final FullTraining defaultFullTraining;
  private final String fullTrainingSource;

  BuiltInModel(
      String wireName,
      String task,
      String description,
      String authors,
      String arxivId,
      int studyBatchSize,
      String studyBatchSource,
      Map<String, Long> studyParameters,
      String studyParametersSource,
      FullTraining defaultFullTraining,
      String fullTrainingSource) {
    this.wireName = wireName;
    this.task = task;
    this.description = description;
    this.authors = authors;
    this.arxivId = arxivId;
    this.studyBatchSize = studyBatchSize;
    this.studyBatchSource = studyBatchSource;
    this.studyParameters = studyParameters;
    this.studyParametersSource = studyParametersSource;
    this.defaultFullTraining = defaultFullTraining;
    this.fullTrainingSource = fullTrainingSource;
  }

  /** The name sweeps use, e.g. "3dgan". */
  public String wireName() {
    return wireName;
  }

  /** What the model does, in a few words, as the catalog files it. */
  public String task() {
    return task;
  }

  /** What the model is, in a sentence. */
  public String description() {
    return description;
  }

  /** The paper as the catalog cites it, e.g. "arXiv:2109.07388". */
  public String paper() {
    return "arXiv:" + arxivId;
  }

  /** The paper with its authors, e.g. "Khattak, Vallecorsa, Carminati, Khan, arXiv 2109.07388". */
  public String citation() {
    return authors + ", arXiv " + arxivId;
  }

  /** The global batch to quote costs at. */
  public int studyBatchSize() {
    return studyBatchSize;
  }

  /** Where {@link #studyBatchSize()} comes from. */
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

  /** What a full training means when the sweep names none; empty where it is not known. */
  public Optional<FullTraining> defaultFullTraining() {
    return Optional.ofNullable(defaultFullTraining);
  }

  /** Where {@link #defaultFullTraining()} comes from, or why there is none. */
  public String fullTrainingSource() {
    return fullTrainingSource;
  }

  /** The model of that wire name, if it is a built-in one. */
  public static Optional<BuiltInModel> find(String wireName) {
    for (BuiltInModel m : values()) {
      if (m.wireName.equals(wireName)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** Parameters per network, in the order given. */
  @SafeVarargs
  private static Map<String, Long> networks(Map.Entry<String, Long>... counts) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (Map.Entry<String, Long> c : counts) {
      m.put(c.getKey(), c.getValue());
    }
    return Collections.unmodifiableMap(m);
  }
}
