"""Operating several hosts: Prometheus metrics, JSON logs, and the request id that ties a request's lines together."""

# Set before prometheus_client is first imported (by `bangfu serve` for several workers): each worker then writes
# its samples to files there and /metrics sums them. Here, not in .metrics, so that setting it imports nothing.
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
