"""gunicorn settings for Indivisible, used by deploy/systemd/indivisible.service and by
.ci/prod-smoke. Override any of them without editing this file through GUNICORN_CMD_ARGS
in the environment file, e.g. GUNICORN_CMD_ARGS="--bind=10.0.0.11:8000 --workers=9".
"""

import multiprocessing

# nginx on the same machine is the only client; a load balancer in front of several app
# servers needs the private address instead (docs/deploying.md, "Scaling out").
bind = "127.0.0.1:8000"
# The usual starting point for synchronous workers: two per core, plus one.
workers = multiprocessing.cpu_count() * 2 + 1
# A request that takes longer than this is stuck; the worker is replaced.
timeout = 30
graceful_timeout = 30
# Replace each worker after about a thousand requests so slow leaks cannot accumulate.
max_requests = 1000
max_requests_jitter = 100
# Errors to stderr (journald); nginx or the load balancer keeps the access log.
errorlog = "-"
proc_name = "indivisible"
# Nothing here uses gunicorn's control socket, and the service may not write a home folder.
control_socket_disable = True
