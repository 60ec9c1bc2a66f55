# Image of the one-shot database setup: deploy/db/bootstrap.sh creates the database, roles and
# schemas, then Alembic migrates each schema (deploy/docker/migrate.sh runs both).
#
#   docker build -f deploy/docker/migrate.Dockerfile -t kronos-migrate .
#
# Alembic, psycopg2 and the PostgreSQL 15 client come from Debian's packages, the same versions
# the native stack uses.

ARG DEBIAN_SLIM_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_SLIM_IMAGE}

RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        python3-alembic python3-psycopg2 postgresql-client ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 kronos \
    && useradd --system --uid 10001 --gid kronos --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin kronos

WORKDIR /opt/kronos
COPY alembic.ini ./
COPY migrations/ migrations/
COPY deploy/db/bootstrap.sh deploy/db/bootstrap.sh
COPY deploy/docker/migrate.sh /usr/local/bin/kronos-migrate

# The root filesystem is read-only in Compose and Kubernetes, so Python must not try to write
# bytecode caches next to the migrations.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

USER 10001:10001
CMD ["kronos-migrate"]
