# dossier-verify service image: Debian bookworm, multi-stage.
FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        libtesseract-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin dossier-verify

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
        tesseract-ocr tesseract-ocr-chi-sim poppler-utils ca-certificates \
        fonts-noto-cjk fonts-arphic-uming fonts-wqy-zenhei \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/dossier-verify /usr/local/bin/dossier-verify
COPY config /etc/dossier-verify
# OpenMP threads fight over the cores during OCR; the binary also sets this itself.
ENV OMP_THREAD_LIMIT=1
VOLUME /var/lib/dossier-verify
EXPOSE 8080
ENTRYPOINT ["dossier-verify"]
CMD ["serve", "--config", "/etc/dossier-verify/default.toml", "--bind", "0.0.0.0:8080", "--data-dir", "/var/lib/dossier-verify"]
