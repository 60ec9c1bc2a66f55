# Image of the nginx gateway with ModSecurity and the OWASP CRS, all from Debian bookworm:
#
#   docker build -f deploy/docker/gateway.Dockerfile -t kronos-gateway .
#
# Layout inside the image:
#   /etc/nginx/kronos/    the repository's nginx/ folder, the same files in every mode
#   /etc/nginx/nginx.conf, proxy_params, modsecurity_custom.conf, conf.d/, snippets/,
#   modsecurity/          links into /etc/nginx/kronos/, so nginx's default configuration path
#                         works for `nginx -t` and `nginx -s reload` without -c
#   /etc/nginx/runtime/   the per-mode files; the image carries nginx/runtime-compose/
#   /etc/nginx/tls/       cert.pem and key.pem, mounted at run time
#
# Compose mounts ./nginx over /etc/nginx/kronos, so an edited route takes effect with
# `docker-compose exec nginx nginx -s reload`. Kubernetes mounts ConfigMaps built from the same
# files over the same paths.

ARG DEBIAN_SLIM_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_SLIM_IMAGE}

# Debian's own site and module configuration is removed, because the Kronos files replace it.
# nginx opens /var/log/nginx/error.log before it reads its configuration, so that path links to
# the container's stderr, which also works on a read-only root filesystem.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        nginx libnginx-mod-http-modsecurity modsecurity-crs \
    && rm -rf /var/lib/apt/lists/* \
    && rm -rf /etc/nginx/nginx.conf /etc/nginx/proxy_params /etc/nginx/conf.d /etc/nginx/snippets \
        /etc/nginx/sites-available /etc/nginx/sites-enabled /etc/nginx/modules-enabled \
        /etc/nginx/modsecurity.conf /etc/nginx/modsecurity_includes.conf \
    && ln -sf /dev/stderr /var/log/nginx/error.log \
    && ln -sf /dev/stdout /var/log/nginx/access.log

COPY nginx/ /etc/nginx/kronos/
COPY nginx/runtime-compose/ /etc/nginx/runtime/
COPY deploy/docker/healthcheck.sh /usr/local/bin/kronos-healthcheck

RUN for name in nginx.conf proxy_params modsecurity_custom.conf conf.d snippets modsecurity; do \
        ln -s "kronos/$name" "/etc/nginx/$name"; \
    done \
    && mkdir -p /etc/nginx/tls /var/lib/nginx

# libmodsecurity looks up relative Include paths in the working directory first, and / holds no
# rule files.
WORKDIR /

EXPOSE 80 443
STOPSIGNAL SIGQUIT
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["kronos-healthcheck", "/", "80", "404"]
CMD ["nginx", "-g", "daemon off;"]
