package io.wattsweep.worker.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** AWS's published Signature Version 4 examples, signed by {@link SigV4}. */
class SigV4Test {
  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  /** The SigV4 test suite's credentials, region and service. */
  private static final SigV4 SUITE =
      new SigV4("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service");

  private static final Map<String, String> SUITE_HEADERS =
      Map.of("Host", "example.amazonaws.com", "X-Amz-Date", "20150830T123600Z");

  @Test
  void theTestSuitesGetVanillaSignsAsPublished() {
    assertEquals(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
            + " SignedHeaders=host;x-amz-date,"
            + " Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        SUITE.authorization("GET", "/", Map.of(), SUITE_HEADERS, EMPTY_SHA256));
  }

  @Test
  void theTestSuitesQueryIsSortedByKeyBeforeSigning() {
    String authorization =
        SUITE.authorization(
            "GET",
            "/",
            Map.of("Param2", "value2", "Param1", "value1"),
            SUITE_HEADERS,
            EMPTY_SHA256);

    assertEquals(
        "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
        authorization.substring(authorization.lastIndexOf(' ') + 1));
  }

  /** The S3 API reference's "GET Object" example, with its intermediate canonical request. */
  @Test
  void theS3ReferencesGetObjectExampleSignsAsPublished() {
    var s3 =
        new SigV4(
            "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3");
    Map<String, String> headers =
        Map.of(
            "Host", "examplebucket.s3.amazonaws.com",
            "Range", "bytes=0-9",
            "x-amz-content-sha256", EMPTY_SHA256,
            "x-amz-date", "20130524T000000Z");

    String canonical = SigV4.canonicalRequest("GET", "/test.txt", Map.of(), headers, EMPTY_SHA256);
    String authorization = s3.authorization("GET", "/test.txt", Map.of(), headers, EMPTY_SHA256);

    assertEquals(
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
        SigV4.hex(SigV4.sha256(canonical)));
    assertEquals(
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + " SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            + " Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
        authorization);
  }

  @Test
  void pathsArePercentEncodedOnceKeepingSlashes() {
    assertEquals("/bucket/a%20b/%24file~.zip", SigV4.encode("/bucket/a b/$file~.zip", false));
    assertEquals("a%2Fb", SigV4.encode("a/b", true));
  }
}
