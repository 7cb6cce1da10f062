package io.wattsweep.k8s;

import java.util.ArrayList;
import java.util.List;

/** Every check over one rendered overlay. */
final class ManifestChecks {
  private final SchemaCheck schemas;
  private final CodeFacts code;

  ManifestChecks(CrdSchemas crds, CodeFacts code) {
    this.schemas = new SchemaCheck(crds);
    this.code = code;
  }

  /** The findings; {@code tally} counts what was looked at. */
  List<Finding> run(List<Resource> resources, Tally tally) {
    var out = new ArrayList<Finding>();
    for (Resource r : resources) {
      tally.add("schema: " + r.kind());
      schemas.check(r, out);
    }
    new KedaCheck().check(resources, tally, out);
    new KafkaCheck(code).check(resources, tally, out);
    new KafkaClientCheck(code).check(resources, tally, out);
    new ApiAccessCheck().check(resources, tally, out);
    new EnvCheck(code).check(resources, tally, out);
    new ReferenceCheck().check(resources, tally, out);
    new SecretCheck().check(resources, tally, out);
    new MonitoringCheck().check(resources, tally, out);
    return out;
  }
}
