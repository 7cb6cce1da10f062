package io.wattsweep.common.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made by the JDK's keytool, in the forms
 * servers and clients read: a PKCS12 keystore and truststore, and PEM files. For the local broker's
 * TLS listener and for tests; never for a service that others reach.
 *
 * @param keystore PKCS12: the private key and the certificate
 * @param truststore PKCS12: the certificate alone, for clients to trust
 * @param certificatePem the certificate in PEM
 * @param privateKeyPem the private key in PEM (PKCS#8, unencrypted; readable by its owner only)
 * @param password both stores' password, random
 */
public record SelfSignedTls(
    Path keystore, Path truststore, Path certificatePem, Path privateKeyPem, String password) {
  private static final String ALIAS = "wattsweep-local";
  private static final String PASSWORD_VARIABLE = "WATTSWEEP_KEYTOOL_PASSWORD";

  /** Makes a new key and certificate (valid 30 days) in {@code dir}, replacing what was there. */
  public static SelfSignedTls create(Path dir) {
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    String password = HexFormat.of().formatHex(random);
    var tls =
        new SelfSignedTls(
            dir.resolve("keystore.p12"),
            dir.resolve("truststore.p12"),
            dir.resolve("certificate.pem"),
            dir.resolve("private-key.pem"),
            password);
    try {
      Files.createDirectories(dir);
      for (Path p : List.of(tls.keystore, tls.truststore, tls.certificatePem, tls.privateKeyPem)) {
        Files.deleteIfExists(p);
      }
      keytool(tls);
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(tls.keystore)) {
        keys.load(in, password.toCharArray());
      }
      Certificate cert = keys.getCertificate(ALIAS);
      Key key = keys.getKey(ALIAS, password.toCharArray());
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry(ALIAS, cert);
      try (OutputStream out = Files.newOutputStream(tls.truststore)) {
        trust.store(out, password.toCharArray());
      }
      Files.writeString(tls.certificatePem, pem("CERTIFICATE", cert.getEncoded()));
      ownerOnly(tls.privateKeyPem);
      Files.writeString(tls.privateKeyPem, pem("PRIVATE KEY", key.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a self-signed certificate in " + dir, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the keystore keytool wrote: " + e, e);
    }
    return tls;
  }

  /** The password reaches keytool through its environment, not its command line. */
  private static void keytool(SelfSignedTls tls) throws IOException {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    var pb =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                ALIAS,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "30",
                "-dname",
                "CN=" + ALIAS,
                "-ext",
                "SAN=IP:127.0.0.1,DNS:localhost",
                "-storetype",
                "PKCS12",
                "-keystore",
                tls.keystore.toString(),
                "-storepass:env",
                PASSWORD_VARIABLE,
                "-keypass:env",
                PASSWORD_VARIABLE)
            .redirectErrorStream(true);
    pb.environment().put(PASSWORD_VARIABLE, tls.password);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while keytool ran", e);
    }
  }

  private static void ownerOnly(Path file) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
