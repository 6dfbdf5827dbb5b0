"""``fleet serve``: the web app and API under gunicorn (fleet/serving.py's worker)."""

from __future__ import annotations

import click

from fleet.cli.common import make_app


@click.command(help="Serve the web app and API under gunicorn. A request gets a thread only when it has arrived "
                   "whole, so slow or stalled clients cost a connection, not a thread (fleet/serving.py).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int, help="threads per worker")
@click.option("--header-timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="seconds a client has to send a request's head (else 408)")
@click.option("--body-timeout", default=20.0, show_default=True, type=click.FloatRange(min=0.1),
              help="seconds a request body may pause (else 408); also how long a thread waits on a client")
@click.option("--reload", is_flag=True, help="restart when the code changes (development)")
def serve(host: str, port: int, workers: int, threads: int, header_timeout: float, body_timeout: float,
          reload: bool) -> None:
    from gunicorn.app.base import BaseApplication

    from fleet import serving
    from fleet.config import served_url

    url = served_url(host, port)
    app = make_app(url)  # fail here, before forking, when the configuration is wrong
    click.echo(f"serving on {url}; public URL (labels, agreements): {app.config['FLEET'].public_url}", err=True)
    worker = serving.worker_class(app.config["MAX_CONTENT_LENGTH"], header_timeout, body_timeout)

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", worker)
            self.cfg.set("reload", reload)
            self.cfg.set("accesslog", "-")
            # gunicorn's control socket has one default path per user: two servers on a machine
            # (a test beside a benchmark) would take it from each other. Fleet does not use it.
            self.cfg.set("control_socket_disable", True)

        def load(self):
            return make_app(url)

    Server().run()
