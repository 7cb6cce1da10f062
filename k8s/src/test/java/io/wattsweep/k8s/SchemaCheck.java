package io.wattsweep.k8s;

import java.util.ArrayList;
import java.util.List;

/**
 * Each resource against its schema: Kubernetes' own for the core kinds and for the metadata of
 * every resource; the CRD's for custom resources, and Kubernetes' JobSpec for a ScaledJob's
 * jobTargetRef (KEDA embeds it). A kind with neither schema is an error.
 */
final class SchemaCheck {
  private final CrdSchemas crds;

  SchemaCheck(CrdSchemas crds) {
    this.crds = crds;
  }

  void check(Resource r, List<Finding> out) {
    var problems = new ArrayList<String[]>();
    var crd = crds.schema(r.apiVersion(), r.kind());
    if (crd != null) {
      StructuralSchema.validateRoot(r.body(), crd, problems);
      CoreSchema.check(r.at("/metadata"), CoreSchema.model("V1ObjectMeta"), "metadata", problems);
      if (r.kind().equals("ScaledJob")) {
        CoreSchema.check(
            r.at("/spec/jobTargetRef"),
            CoreSchema.model("V1JobSpec"),
            "spec.jobTargetRef",
            problems);
      }
    } else if (crds.servesGroup(r.group())) {
      problems.add(
          new String[] {
            "apiVersion",
            r.apiVersion() + " " + r.kind() + " is not served by the CRDs in ../shared/k8s-crds"
          });
    } else {
      Class<?> model = CoreSchema.model(r.apiVersion(), r.kind());
      if (model == null) {
        problems.add(
            new String[] {
              "kind",
              "no schema for "
                  + r.apiVersion()
                  + " "
                  + r.kind()
                  + ": neither a Kubernetes kind nor a CRD in ../shared/k8s-crds"
            });
      } else {
        CoreSchema.check(r.body(), model, "", problems);
      }
    }
    problems.forEach(p -> out.add(r.finding(p[0], p[1])));
  }
}
