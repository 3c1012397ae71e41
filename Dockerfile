# The Jena Welcome Bot: `docker run -e TELEGRAM_BOT_TOKEN=... -v welcomebot-data:/data welcomebot`
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    WELCOMEBOT_DB=/data/welcomebot.sqlite3 \
    WELCOMEBOT_KNOWLEDGE=/app/knowledge

WORKDIR /app

# Dependencies first, so a change to the sources or the knowledge base reuses this layer.
# liblinear-official is published as source only: a C++ compiler builds it, then leaves.
COPY pyproject.toml README.md ./
RUN apt-get update \
    && apt-get install -y --no-install-recommends g++ \
    && mkdir -p bot && touch bot/__init__.py \
    && pip install . \
    && pip uninstall -y jena-welcomebot \
    && rm -rf bot \
    && apt-get purge -y --auto-remove g++ \
    && rm -rf /var/lib/apt/lists/*

COPY bot ./bot
COPY knowledge ./knowledge
COPY locales ./locales
RUN pip install --no-deps -e . \
    && pybabel compile --domain messages --directory locales \
    && useradd --system --uid 10001 --home-dir /data welcomebot \
    && mkdir -p /data && chown welcomebot /data

USER welcomebot
VOLUME ["/data"]
CMD ["welcomebot", "run"]
