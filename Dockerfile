# One Node image for both stages: better-sqlite3 is compiled in the build stage for the ABI of
# the Node that runs it. Node 24 is an LTS line (security support to 2028-04-30); Node 20 reached
# its end of life on 2026-04-30. Development keeps working on Node 20.19+.
ARG NODE_IMAGE=node:24-slim

# Build stage: compile TypeScript and the better-sqlite3 native module.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 and re2 build from source when their prebuilt binaries cannot be downloaded (offline builds).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# `prepare` (the TypeScript build) needs the sources, which come later for layer caching: skip
# the scripts here, then build the native modules the service loads: better-sqlite3, and re2
# (rule regexes; without its build the service cannot load a rule file).
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3 re2
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

# Runtime stage: only what the service runs on.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=8080 HOST=0.0.0.0 \
    VIGIL_DB=/data/vigil.db \
    VIGIL_RULES_DIR=/app/rules
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# Migrations are read from src/storage/migrations at run time.
COPY src/storage/migrations ./src/storage/migrations
COPY schemas ./schemas
# The standard rules are baked in; mount a directory over /app/rules to override them.
COPY rules ./rules
# The image's `node` user (uid 1000, gid 1000) owns the data: a bind-mounted folder must be
# writable by uid 1000. The first admin token is written to /data/vigil.db.admin-token.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# The CLI runs the same way: docker exec <container> node dist/cli/main.js keys list
# The flags are npm start's: a 32 MB semi-space keeps a burst of requests from surviving into the
# old generation (README, Performance: run I).
CMD ["node", "--max-semi-space-size=32", "dist/cli/main.js", "serve"]
