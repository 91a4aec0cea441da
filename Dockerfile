# netguard: the node agent, the CLI and the chained CNI plugin in one image.
#   docker build -t netguard:0.1.0 .
# The DaemonSet in examples/deploy runs `agent` (the default command) and, in its init container,
# `cni install ... --binary /opt/netguard/netguard-cni`, which copies the plugin onto the node.

# --- build: compile TypeScript, build the CNI plugin binary, drop dev dependencies ---
FROM node:20-bookworm-slim AS build
WORKDIR /src
# Dependencies first, in their own layer. --ignore-scripts skips the `prepare` build (no sources
# yet); no dependency has an install script (package-lock.json: no hasInstallScript).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
# build:cni makes dist/netguard-cni, a Node single executable that runs on the node itself; it is
# moved out of dist/ so the image holds it once (~100 MB).
RUN npm run build \
 && npm run build:cni \
 && mv dist/netguard-cni /src/netguard-cni \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: Node, nft and ip; no compilers, no dev dependencies, no apt lists ---
FROM node:20-bookworm-slim
# Versions come from the pinned Debian release of the base image (bookworm); pinning exact package
# versions would break the build at every Debian security update.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends nftables iproute2 \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /opt/netguard
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/netguard-cni /opt/netguard/netguard-cni
# Runs as root: nft needs CAP_NET_ADMIN, which Kubernetes grants to root only (no ambient
# capabilities), and the CNI install writes root-owned node directories.
ENTRYPOINT ["node", "/opt/netguard/dist/cli/bin.js"]
CMD ["agent"]
