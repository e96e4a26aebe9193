# One image for the worker and the API (docker-compose.yml picks the command).
FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY activities activities
COPY api api
COPY bots bots
COPY brokers brokers
COPY db db
COPY infra infra
COPY trading trading
COPY worker worker
COPY workflows workflows
USER node
CMD ["node", "worker/main.ts"]
