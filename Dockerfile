# factdesk: a small non-root image. Build:  docker build -t factdesk .
# Run (HTTP):  docker run -p 3000:3000 -e SLACK_SIGNING_SECRET -e SLACK_BOT_TOKEN factdesk
# Run (Socket Mode):  docker run -e SLACK_APP_TOKEN -e SLACK_BOT_TOKEN factdesk socket
# The knowledge is baked in at /app/knowledge; mount a folder over it to serve edits without a rebuild
# (they are picked up live). The baked knowledge is compiled into a snapshot at build time, so a container
# starts in about a second; a mounted folder that differs is loaded in full instead (a snapshot is used only
# while every knowledge file and the code match it). A test checks this file against the repository and the CLI.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN python -m venv /opt/venv && /opt/venv/bin/pip install '.[postgres]'

FROM python:3.11-slim
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin factdesk
COPY --from=build /opt/venv /opt/venv
COPY knowledge /app/knowledge
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    FACTDESK_KNOWLEDGE=/app/knowledge \
    FACTDESK_HOST=0.0.0.0 \
    FACTDESK_PORT=3000 \
    FACTDESK_LOG_FORMAT=json \
    FACTDESK_CACHE=/tmp/factdesk
RUN factdesk snapshot --quiet && chown -R factdesk /tmp/factdesk
USER 10001
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('FACTDESK_PORT', '3000') + '/healthz', timeout=2)"]
ENTRYPOINT ["factdesk"]
CMD ["serve"]
