# The coordinator, from the distribution that `./mvnw -B package` builds
# (deploy/dist/target/wattsweep-VERSION.tar.gz). From the repository root:
#   docker build -f deploy/docker/coordinator.Dockerfile -t wattsweep-coordinator:0.1.0-SNAPSHOT .
# Never built by this project (its machines have no Docker engine): k8s's ImagesTest checks what
# it copies against the distribution.
FROM eclipse-temurin:17-jre-jammy
ARG VERSION=0.1.0-SNAPSHOT
# ADD unpacks a local tarball: no tar or build tool in the image.
ADD deploy/dist/target/wattsweep-${VERSION}.tar.gz /opt/
RUN ln -s /opt/wattsweep-${VERSION} /opt/wattsweep \
 && groupadd --system --gid 10001 wattsweep \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/wattsweep --create-home wattsweep
USER 10001:10001
WORKDIR /var/lib/wattsweep
EXPOSE 8080
# For Docker and compose (Kubernetes probes /health itself); bash's /dev/tcp, as there is no curl.
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${WATTSWEEP_HTTP_PORT:-8080} && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/opt/wattsweep/bin/wattsweep"]
CMD ["coordinator"]
