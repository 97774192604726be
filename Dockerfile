# The image docker-compose.yml builds for the worker, the API and migrations (untested here: no Docker engine).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY . .
ENV NODE_ENV=production
CMD ["npm", "run", "api"]
