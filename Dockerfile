# hpbot: the daily study bot. Build: docker build -t hpbot .  Run: see docker-compose.example.yml
# and docs/deployment.md (commands inside the container: docker compose exec hpbot hpbot backup|export|organizers …).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HPBOT_DB=/data/hpbot.sqlite3 \
    MPLCONFIGDIR=/tmp/matplotlib

WORKDIR /app

# Dependencies first, from the pinned constraints, in their own cached layer: a change to hpbot's code rebuilds
# only the layers below. The chart library's font cache is built here, at build time, so the first chart a group
# asks for is not slowed by it.
COPY requirements.txt constraints.txt ./
RUN pip install --no-cache-dir -c constraints.txt -r requirements.txt \
    && python -c "import matplotlib.font_manager" \
    && chmod -R a+rwX /tmp/matplotlib

# The bot's own user; /data (the volume) is its alone, 0700, like every directory hpbot makes.
RUN groupadd --system --gid 10001 hpbot \
    && useradd --system --uid 10001 --gid hpbot --home-dir /app --no-create-home hpbot \
    && mkdir -p /data && chown 10001:10001 /data && chmod 0700 /data

# hpbot itself, installed so that the `hpbot` command exists (backup, restore, export, organizers, content), and
# without dependencies: they are all in the layer above. Installed in place (-e): the package finds the study bank
# (content/) and the schema steps (db/migrations/) beside itself in /app, from whatever directory it is run.
COPY bot.py pyproject.toml README.md ./
COPY hpbot/ ./hpbot/
COPY content/ ./content/
# the schema steps only: a database a checkout keeps in db/ (the default HPBOT_DB) must never enter the image
COPY db/migrations/ ./db/migrations/
RUN pip install --no-cache-dir --no-deps -e . \
    && hpbot --help > /dev/null

USER 10001:10001
VOLUME ["/data"]
EXPOSE 8443 8081

# Healthy while the scheduler keeps its heartbeat fresh and Telegram keeps answering (hpbot/health.py).
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "hpbot.health"]

CMD ["hpbot", "run"]
