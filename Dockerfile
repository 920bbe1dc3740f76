# Crossover: the same app as `make run`, in a container.
#   docker build -t crossover .
#   docker run --rm -p 8501:8501 crossover      # then open http://localhost:8501
#
# Stage 1 compiles llama-cpp-python (about 7 minutes on 2 cores) and collects every wheel;
# stage 2 installs those wheels without a compiler.
FROM python:3.11-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY scenario scenario
COPY advisor advisor
COPY calculators calculators
COPY inference inference
COPY routing routing
COPY quality quality
COPY charts charts
COPY decisions decisions
COPY cli cli
COPY app app
RUN CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) pip wheel --wheel-dir /wheels .

FROM python:3.11-slim
# libgomp: llama.cpp's OpenMP runtime.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgomp1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home crossover
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels crossover && rm -rf /wheels
WORKDIR /app
COPY --chown=crossover . .
# The app reads assets/ beside its code, so run from the source tree.
ENV PYTHONPATH=/app PYTHONUNBUFFERED=1
USER crossover
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"
CMD ["streamlit", "run", "app/streamlit_app.py", "--server.address=0.0.0.0", "--server.port=8501"]
