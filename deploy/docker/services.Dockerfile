# Images of the C++ services, one target each:
#
#   docker build -f deploy/docker/services.Dockerfile --target auth -t kronos-auth .
#
# The build stage compiles all three binaries in one step, so building the three targets
# compiles the code once and the other two reuse the cached layer. Runtime images are
# debian:bookworm-slim with the shared libraries the binaries link and nothing else, run as an
# unprivileged user with a numeric id (Kubernetes checks runAsNonRoot against the number).
# Plain Dockerfile syntax without BuildKit extensions, so docker-compose 1.29 builds it too.

ARG DEBIAN_IMAGE=debian:bookworm
ARG DEBIAN_SLIM_IMAGE=debian:bookworm-slim

FROM ${DEBIAN_IMAGE} AS build

# GoogleTest is in the list because the root CMakeLists.txt requires it at configure time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        build-essential cmake ninja-build ccache pkg-config \
        libboost1.81-dev libboost-json1.81-dev libpqxx-dev libpq-dev libhiredis-dev \
        libsodium-dev libssl-dev libgtest-dev libgmock-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake/ cmake/
COPY libs/ libs/
COPY services/ services/

# The native stack's build type; the debug information is stripped to keep the images small.
ARG CMAKE_BUILD_TYPE=RelWithDebInfo
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE}" -DBUILD_TESTING=OFF \
        -DKRONOS_BUILD_TOOLS=OFF \
    && cmake --build /build --target kronos-auth kronos-leave kronos-expense \
    && strip --strip-debug /build/services/*/kronos-*

FROM ${DEBIAN_SLIM_IMAGE} AS runtime

RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libboost-json1.81.0 libpqxx-6.4 libpq5 libhiredis0.14 libsodium23 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 kronos \
    && useradd --system --uid 10001 --gid kronos --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin kronos

COPY deploy/docker/healthcheck.sh /usr/local/bin/kronos-healthcheck

# Containers listen on every interface of their own network namespace; the services default to
# 127.0.0.1, which nothing outside the container could reach.
ENV BIND_ADDRESS=0.0.0.0 \
    LOG_LEVEL=info

USER 10001:10001
WORKDIR /nonexistent
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 CMD ["kronos-healthcheck"]

FROM runtime AS auth
COPY --from=build /build/services/auth/kronos-auth /usr/local/bin/kronos-auth
ENV SERVICE_NAME=auth DATABASE_SCHEMA=auth PORT=8001
EXPOSE 8001
ENTRYPOINT ["/usr/local/bin/kronos-auth"]

FROM runtime AS leave
COPY --from=build /build/services/leave/kronos-leave /usr/local/bin/kronos-leave
ENV SERVICE_NAME=leave DATABASE_SCHEMA=leave PORT=8002
EXPOSE 8002
ENTRYPOINT ["/usr/local/bin/kronos-leave"]

FROM runtime AS expense
COPY --from=build /build/services/expense/kronos-expense /usr/local/bin/kronos-expense
ENV SERVICE_NAME=expense DATABASE_SCHEMA=expense PORT=8003
EXPOSE 8003
ENTRYPOINT ["/usr/local/bin/kronos-expense"]
