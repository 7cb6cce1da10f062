package io.wattsweep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.coordinator.catalog.RunRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunApiTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      /api/v1/runs?colour=red                 | 400 | unknown filter 'colour'
      /api/v1/runs?batchSize=abc              | 400 | batchSize must be an integer >= 1: 'abc'
      /api/v1/runs?gpus=0                     | 400 | gpus must be an integer >= 1: '0'
      /api/v1/runs?precision=fp64             | 400 | precision must be one of fp32, tf32, mixed-fp16, bf16: 'fp64'
      /api/v1/runs?state=DONE                 | 400 | state must be one of
      /api/v1/runs?format=xml                 | 400 | format must be json or csv: 'xml'
      /api/v1/runs?metadata.=x                | 400 | unknown parameter 'metadata.'
      /api/v1/runs?metadata.p=1&metadata.p=2  | 400 | metadata.p is given 2 times: [1, 2]
      /api/v1/runs/run-nope                   | 404 | run not found: 'run-nope'
      /api/v1/compare?runs=run-a,run-b        | 404 | runs not found: [run-a, run-b]
      /api/v1/runs/run-nope/power             | 404 | run not found: 'run-nope'
      /api/v1/runs/run-nope/power?points=0    | 400 | points must be an integer from 1 to 100000: '0'
      /api/v1/runs/run-nope/power?points=many | 400 | points must be an integer from 1 to 100000: 'many'
      /api/v1/runs/run-nope/power?format=xml  | 400 | format must be json or csv: 'xml'
      /api/v1/runs/run-nope/power?step=5      | 400 | unknown parameter 'step'
      /api/v1/compare                         | 400 | compare takes runs=ID,ID,...
      /api/v1/models/stylegan/best            | 400 | model must be one of
      /api/v1/models/3dgan/best?by=cost       | 400 | by must be energy or time: 'cost'
      /api/v1/models/3dgan/best?gpuClass=none | 404 | no completed run of model '3dgan' matches the selection
      /api/v1/models/3dgan/pareto?sweep=x&y=1 | 400 | unknown filter 'y'
      /api/v1/backlog?gpuClass=a100           | 400 | gpuClass and gpus go together: gpuClass='a100', gpus=none
      /api/v1/backlog?gpuClass=A100&gpus=1    | 400 | gpuClass must
      /api/v1/backlog?gpuClass=a100&gpus=0    | 400 | gpus must be >= 1: 0
      /api/v1/backlog?gpuClass=a100&gpus=two  | 400 | gpus must be an integer: 'two'
      /api/v1/backlog?queue=a100              | 400 | unknown parameter 'queue'; backlog takes gpuClass and gpus
      """)
  void badQueryIsAnsweredNamingWhatIsWrong(String path, int status, String message)
      throws Exception {
    var res = TestStack.get().get(path);

    assertEquals(status, res.statusCode(), res.body());
    assertTrue(res.body().contains(message), res.body());
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      GET    | /api/v1/models/stylegan/versions         |                   | 400 | model must be one of
      GET    | /api/v1/models/3dgan/versions/nope       |                   | 404 | model '3dgan' has no version or alias 'nope'
      GET    | /api/v1/models/3dgan/versions?colour=red |                   | 400 | unknown parameter 'colour'; versions takes metadata.KEY=VALUE
      GET    | /api/v1/models/3dgan/versions?metadata.=x |                  | 400 | unknown parameter 'metadata.'
      GET    | /api/v1/models/3dgan/versions?metadata.a=1&metadata.a=2 |    | 400 | metadata.a is given 2 times: [1, 2]
      GET    | /api/v1/models/3dgan/versions/999        |                   | 404 | model '3dgan' has no version or alias '999'
      PUT    | /api/v1/models/3dgan/aliases/production  | {"version": 999}  | 404 | model '3dgan' has no version 999
      PUT    | /api/v1/models/3dgan/aliases/production  | {"version": 0}    | 400 | version must be an integer >= 1: 0
      PUT    | /api/v1/models/3dgan/aliases/production  | {"version": "2"}  | 400 | version must be an integer >= 1: \\"2\\"
      PUT    | /api/v1/models/3dgan/aliases/production  | {"v": 2}          | 400 | body must be {\\"version\\": N}: {\\"v\\":2}
      PUT    | /api/v1/models/3dgan/aliases/production  | [2                | 400 | body is not valid JSON
      PUT    | /api/v1/models/3dgan/aliases/Prod        | {"version": 1}    | 400 | alias must be 1-64 characters of a-z, 0-9, _ . - (starting with a letter or digit), not all digits: 'Prod'
      PUT    | /api/v1/models/stylegan/aliases/x        | {"version": 1}    | 400 | model must be one of
      DELETE | /api/v1/models/3dgan/aliases/never-set   |                   | 404 | model '3dgan' has no alias 'never-set'
      """)
  void badModelRequestIsAnsweredNamingWhatIsWrong(
      String method, String path, String body, int status, String message) throws Exception {
    var res = TestStack.get().send(method, path, body);

    assertEquals(status, res.statusCode(), res.body());
    assertTrue(res.body().contains(message), res.body());
  }

  @Test
  void backlogOfAClassWithNoJobsIsZeroForKedaToRead() throws Exception {
    var res = TestStack.get().get("/api/v1/backlog?gpuClass=none-here&gpus=4");

    assertEquals(200, res.statusCode(), res.body());
    assertEquals(
        "{\"gpuClass\":\"none-here\",\"gpus\":4,\"queued\":0,\"running\":0," + "\"queuedGpus\":0}",
        res.body());
  }

  @Test
  void exportOfAnEmptySelectionIsItsHeader() throws Exception {
    var res = TestStack.get().get("/api/v1/runs?gpuClass=none-here&format=csv");

    assertEquals(200, res.statusCode());
    assertEquals(String.join(",", RunRow.COLUMNS) + "\r\n", res.body());
    assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
  }

  @Test
  void emptyParetoFrontIsAnEmptyList() throws Exception {
    var res = TestStack.get().get("/api/v1/models/3dgan/pareto?gpuClass=none-here");

    assertEquals(200, res.statusCode(), res.body());
    assertEquals("{\"front\":[]}", res.body());
  }
}
