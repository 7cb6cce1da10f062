# A GPU worker: CUDA 12.5 and cuDNN 9 from NVIDIA's runtime image, TensorFlow's GPU native library
# from a distribution built with the gpu profile. From the repository root:
#   ./mvnw -B -Pgpu package -DskipTests
#   docker build -f deploy/docker/worker-gpu.Dockerfile -t wattsweep-worker-gpu:0.1.0-SNAPSHOT .
# The GPU Operator's container toolkit mounts the driver and NVML at run time. Never built by this
# project (its machines have no Docker engine): k8s's ImagesTest checks what it copies.
FROM eclipse-temurin:17-jre-jammy AS jre

FROM nvidia/cuda:12.5.1-cudnn-runtime-ubuntu22.04
ARG VERSION=0.1.0-SNAPSHOT
# Java 17's runtime alone, from the same Ubuntu release: no JDK, no package manager run.
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH=/opt/java/openjdk/bin:$PATH
ADD deploy/dist/target/wattsweep-${VERSION}.tar.gz /opt/
# A distribution built without -Pgpu would train on the CPU unnoticed: refuse it here.
RUN ls /opt/wattsweep-${VERSION}/lib/tensorflow-core-native-*-linux-x86_64-gpu.jar >/dev/null \
 && ln -s /opt/wattsweep-${VERSION} /opt/wattsweep \
 && groupadd --system --gid 10001 wattsweep \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/wattsweep --create-home wattsweep
# TensorFlow's native libraries unpack into JavaCPP's cache: /tmp, as the root may be read-only.
ENV JAVA_TOOL_OPTIONS="-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp"
USER 10001:10001
WORKDIR /var/lib/wattsweep
EXPOSE 9400
# No HEALTHCHECK: this image runs under Kubernetes, which ignores it and probes /metrics itself.
ENTRYPOINT ["/opt/wattsweep/bin/wattsweep"]
CMD ["worker"]
