# A CPU worker (TensorFlow's CPU native library), from the distribution that `./mvnw -B package`
# builds. From the repository root:
#   docker build -f deploy/docker/worker.Dockerfile -t wattsweep-worker:0.1.0-SNAPSHOT .
# Never built by this project (its machines have no Docker engine): k8s's ImagesTest checks what
# it copies against the distribution.
FROM eclipse-temurin:17-jre-jammy
ARG VERSION=0.1.0-SNAPSHOT
ADD deploy/dist/target/wattsweep-${VERSION}.tar.gz /opt/
RUN ln -s /opt/wattsweep-${VERSION} /opt/wattsweep \
 && groupadd --system --gid 10001 wattsweep \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/wattsweep --create-home wattsweep \
 && mkdir /var/lib/wattsweep/artifacts && chown 10001:10001 /var/lib/wattsweep/artifacts
# TensorFlow's native libraries unpack into JavaCPP's cache: /tmp, as the root may be read-only.
ENV JAVA_TOOL_OPTIONS="-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp"
USER 10001:10001
WORKDIR /var/lib/wattsweep
EXPOSE 9400
# For Docker and compose: the worker's /metrics answers while it lives.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${WATTSWEEP_METRICS_PORT:-9400} && printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/opt/wattsweep/bin/wattsweep"]
CMD ["worker"]
