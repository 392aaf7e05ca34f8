# hpbot: the daily study bot. Build: docker build -t hpbot .  Run: see docker-compose.example.yml
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HPBOT_DB=/data/hpbot.sqlite3 \
    MPLCONFIGDIR=/tmp/matplotlib

WORKDIR /app

# Dependencies first, from the pinned constraints, in their own cached layer. The chart library's font cache is
# built here, at build time, so the first chart a group asks for is not slowed by it.
COPY requirements.txt constraints.txt ./
RUN pip install --no-cache-dir -c constraints.txt -r requirements.txt \
    && python -c "import matplotlib.font_manager" \
    && chmod -R a+rwX /tmp/matplotlib

RUN groupadd --system --gid 10001 hpbot \
    && useradd --system --uid 10001 --gid hpbot --home-dir /app --no-create-home hpbot \
    && mkdir -p /data && chown 10001:10001 /data

COPY --chown=10001:10001 bot.py pyproject.toml README.md ./
COPY --chown=10001:10001 hpbot/ ./hpbot/
COPY --chown=10001:10001 content/ ./content/
COPY --chown=10001:10001 db/ ./db/

USER 10001:10001
VOLUME ["/data"]
EXPOSE 8443

HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "hpbot.health"]

CMD ["python", "bot.py"]
