# syntax=docker/dockerfile:1
# kpi-sync: multi-stage build, runs as the unprivileged `node` user.
# The build stage runs the same install CI runs (npm ci) and the type check, then
# drops dev dependencies; the runtime stage carries only what `kpi-sync` needs.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY connectors ./connectors
COPY config ./config
RUN npm run typecheck && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    KPI_SYNC_CONFIG=/config \
    KPI_SYNC_DB=/data/kpi-sync.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/src ./src
COPY --from=build /app/connectors ./connectors
# The example config is the default; mount your own folder over /config.
COPY --from=build /app/config/examples /config
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# The operations server listens on 127.0.0.1:8787 unless settings.server.host is set
# (0.0.0.0 in a container, together with settings.server.token, to publish it).
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.KPI_SYNC_PORT||8787)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM lets in-flight syncs finish (settings.shutdownTimeout) before exit.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/bin/kpi-sync.js"]
CMD ["start", "--json"]
