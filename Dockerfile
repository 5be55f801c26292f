# Teamwell server image. Not built in CI (no Docker engine on the CI machine).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    TEAMWELL_DATABASE_URL=sqlite:////data/teamwell.db
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
# The ml extra brings the default sentiment model (torch CPU, ~200 MB); the index pin keeps pip
# from pulling a CUDA build. Build with --build-arg ML=0 for the lexicon model only.
ARG ML=1
RUN if [ "$ML" = "1" ]; then \
      pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
      && pip install --no-cache-dir ".[ml]"; \
    else pip install --no-cache-dir .; fi \
    && useradd --create-home --uid 10001 teamwell \
    && mkdir /data && chown teamwell /data
USER teamwell
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/healthz').status == 200 else 1)"
CMD ["teamwell", "serve", "--port", "3000"]
