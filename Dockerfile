# syntax=docker/dockerfile:1
# kpi-sync: multi-stage build, runs as the unprivileged `node` user.
#
# The build stage runs the steps CI proves: `npm ci`, the type check, and the package
# build (`npm run build`, which `npm pack` runs in the packed-install test), then drops
# dev dependencies. The runtime stage carries the JavaScript build only: it starts
# faster and uses less memory than the TypeScript sources (see bench/footprint).
#
# Base images are pinned by digest so a rebuild gets the same bytes. To refresh, look
# up the tag's current digest and replace it here and in docker-compose.yml:
#   docker buildx imagetools inspect node:24-bookworm-slim --format '{{json .Manifest.Digest}}'
# (or `docker pull node:24-bookworm-slim && docker inspect --format '{{index .RepoDigests 0}}' node:24-bookworm-slim`);
# Renovate and Dependabot's `docker` ecosystem keep such pins current on their own.
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY connectors ./connectors
COPY config ./config
RUN npm run typecheck && npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE} AS runtime
# KPI_SYNC_HOST: in a container the operations server listens on every interface, so
# a published port, Prometheus and the dashboard can reach it; it then refuses to start
# without a token (KPI_SYNC_TOKEN, or KPI_SYNC_TOKEN_FILE naming a Docker secret).
ENV NODE_ENV=production \
    KPI_SYNC_CONFIG=/config \
    KPI_SYNC_DB=/data/kpi-sync.db \
    KPI_SYNC_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
# The example config is the default; mount your own folder over /config.
COPY --from=build /app/config/examples /config
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8787
# /healthz is open (no token): liveness only says the process answers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.KPI_SYNC_PORT||8787)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM lets in-flight syncs finish (settings.shutdownTimeout) before exit.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/bin/kpi-sync.js"]
CMD ["start", "--json"]
