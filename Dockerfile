# Kubeprint as a container: the static site built with the same pinned tools as ./dev,
# served by nginx as a non-root user (the `kubeprint` template deploys this image).
#
#   docker build -t kubeprint .                                   # served at /
#   docker build --build-arg PUBLIC_URL=/tools/kubeprint/ -t kubeprint .   # under a sub-path
#   docker run --rm -p 8080:8080 --read-only --tmpfs /tmp kubeprint
#
# tests/tests/shipping.rs checks what can be checked without a Docker engine: the tool
# pins equal ./dev's and Trunk.toml's, the Rust image is the workspace's rust-version,
# and deploy/nginx.conf serves a real build with the page's policy as a header.

# The Rust release the workspace names as its rust-version (Cargo.toml).
ARG RUST_VERSION=1.95.0

FROM rust:${RUST_VERSION}-bookworm AS build
# npm installs wasm-opt (binaryen) as ./dev does; Debian's binaryen is too old.
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
ENV KUBEPRINT_TOOLS=/opt/kubeprint-tools
ENV PATH=/opt/kubeprint-tools/bin:/opt/kubeprint-tools/npm/node_modules/.bin:$PATH
# The tools first, from ./dev's pins and Cargo.lock alone, so this layer is rebuilt only
# when a pin changes: trunk, the wasm-bindgen CLI of Cargo.lock's version, wasm-opt.
COPY dev Cargo.lock ./
RUN ./dev setup wasm
COPY . .
# Where the site is served from: any sub-path ending in /.
ARG PUBLIC_URL=/
RUN trunk build --release --offline --public-url "$PUBLIC_URL" --dist "/site$PUBLIC_URL"

FROM nginx:1.28-alpine
COPY deploy/nginx.conf /etc/nginx/nginx.conf
COPY --from=build /site /usr/share/nginx/html
# The uid the template runs it as (runAsUser 10001); nginx writes only under /tmp.
USER 10001:10001
EXPOSE 8080
# nginx finishes the requests it has on SIGQUIT (SIGTERM drops them).
STOPSIGNAL SIGQUIT
ENTRYPOINT ["nginx", "-g", "daemon off;"]
