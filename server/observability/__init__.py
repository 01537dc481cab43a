"""Operating several hosts: Prometheus metrics, JSON logs, and the request id that ties a request's lines together."""
