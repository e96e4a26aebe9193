# One image for the worker and the API (docker-compose.yml picks the command), with the `scalper`
# CLI for `docker compose exec`.
FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
# glibc malloc gives freed memory back (infra/worker-process.ts says why; the worker needs it most).
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 MALLOC_TRIM_THRESHOLD_=65536
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY activities activities
COPY api api
COPY backtest backtest
COPY bots bots
COPY brokers brokers
COPY cli cli
COPY db db
COPY infra infra
COPY trading trading
COPY worker worker
COPY workflows workflows
COPY scripts/bundle-workflows.ts scripts/
# Bundled once at build: the worker starts without webpack and runs the workflow code of this image.
RUN node scripts/bundle-workflows.ts
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
# Node's on-disk cache of compiled modules (scripts/with-node24 says why), filled as processes start.
ENV NODE_COMPILE_CACHE=/app/.compile-cache
RUN mkdir -p /app/.compile-cache && chown node /app/.compile-cache
USER node
CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=192", "worker/main.ts"]
