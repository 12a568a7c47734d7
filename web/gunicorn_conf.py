"""gunicorn settings: bind address from BILIREC_WEB_HOST / BILIREC_WEB_PORT."""

from settings import Settings, SettingsError
from web.gunicorn_worker import BalancedThreadWorker

try:
    _settings = Settings.from_env()
except SettingsError as exc:
    raise SystemExit(f"bilirec web: {exc}") from None

bind = f"{_settings.web_host}:{_settings.web_port}"
workers = 2
threads = 4
worker_class = BalancedThreadWorker.with_timeouts(
    header_s=_settings.web_header_timeout_s, body_s=_settings.web_body_timeout_s,
    send_s=_settings.web_send_timeout_s)
# Well past any poll interval (the page polls every 2 s): a client reusing an idle
# connection must not race the server closing it.
keepalive = round(_settings.web_keepalive_s)
accesslog = "-" if _settings.web_access_log else None
# The QR poll URL carries only the key, and the key is useless to anyone but the browser
# it is bound to; the feed path is a credential and is redacted (web/access_log.py).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss'
logger_class = "web.access_log.RedactingLogger"
