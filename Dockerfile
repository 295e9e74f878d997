# One image, two apps: `docker run IMAGE report-worker` or `docker run IMAGE event-ingest`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# patch-package applies patches/ after the install (a MongoDB driver fix, see docs/drills.md).
COPY patches patches
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY data data
COPY docker/entrypoint.sh /usr/local/bin/entrypoint
USER node
ENTRYPOINT ["entrypoint"]
CMD ["report-worker"]
